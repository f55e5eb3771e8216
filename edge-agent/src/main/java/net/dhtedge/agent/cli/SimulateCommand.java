package net.dhtedge.agent.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import net.dhtedge.agent.contract.Topics;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edge-agent simulate}: a fleet of simulated devices publishing readings, like the reference
 * system's simulator. Also the load generator of the ingest benchmark.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Publish readings from N simulated devices (sim-0001 ...) at R readings/s in total.",
      "Anomalies: spike (1 %% of readings jump by +15 °C), drift (temperature creeps up",
      "0.05 °C per reading), dropout (each device goes silent for 30 s now and then)."
    })
final class SimulateCommand implements Callable<Integer> {
  enum Anomaly {
    NONE,
    SPIKE,
    DRIFT,
    DROPOUT
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--devices",
      defaultValue = "5",
      description = "Devices (default ${DEFAULT-VALUE}).")
  int devices;

  @Option(
      names = "--rate",
      defaultValue = "5",
      description = "Readings per second, all devices together (default ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--anomaly",
      defaultValue = "none",
      description = "none, spike, drift or dropout (default ${DEFAULT-VALUE}).")
  Anomaly anomaly;

  @Option(names = "--count", description = "Stop after this many readings.")
  Long count;

  @Option(names = "--duration", description = "Stop after this long (e.g. 60s).")
  String duration;

  @Option(
      names = "--broker",
      defaultValue = "tcp://localhost:1883",
      description = "Broker URL (default ${DEFAULT-VALUE}).")
  String broker;

  @Option(names = "--prefix", defaultValue = "dht11", description = "Topic prefix.")
  String prefix;

  @Option(names = "--qos", defaultValue = "1", description = "0 or 1 (default ${DEFAULT-VALUE}).")
  int qos;

  @Option(names = "--seed", description = "Random seed, for repeatable runs.")
  Long seed;

  @Option(names = "--quiet", description = "Print only the summary.")
  boolean quiet;

  @Override
  public Integer call() throws InterruptedException {
    if (devices < 1 || devices > 100_000) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--devices: 1..100000");
    }
    if (!(rate > 0) || rate > 1_000_000) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--rate: > 0 and <= 1000000");
    }
    if (qos < 0 || qos > 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--qos: 0 or 1");
    }
    Duration limit = duration == null ? null : RunCommand.parseExitAfter(spec, duration);
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    String topic = new Topics(prefix).sensorData();
    Random random = seed == null ? new Random() : new Random(seed);
    // Sequence numbers start at the run's start time so a second run is not taken for duplicates.
    long seqBase = System.currentTimeMillis() * 1000;
    double[] base = new double[devices];
    double[] drift = new double[devices];
    long[] silentUntil = new long[devices];
    for (int d = 0; d < devices; d++) {
      base[d] = 19 + random.nextDouble() * 4;
    }
    MqttAsyncClient client;
    int window = 1000;
    try {
      client = BrokerClient.connect(broker, prefix, window);
    } catch (MqttException e) {
      err.println("edge-agent simulate: " + BrokerClient.explain(e));
      return 1;
    }
    Semaphore inflight = new Semaphore(window);
    AtomicLong failed = new AtomicLong();
    IMqttActionListener release =
        new IMqttActionListener() {
          @Override
          public void onSuccess(IMqttToken token) {
            inflight.release();
          }

          @Override
          public void onFailure(IMqttToken token, Throwable e) {
            failed.incrementAndGet();
            inflight.release();
          }
        };
    long intervalNanos = (long) (1e9 / rate);
    long start = System.nanoTime();
    long next = start;
    long sent = 0;
    long skipped = 0;
    long i = 0;
    try {
      while ((count == null || sent < count)
          && (limit == null || System.nanoTime() - start < limit.toNanos())
          && !Thread.currentThread().isInterrupted()) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        next += intervalNanos;
        int d = (int) (i % devices);
        long seq = seqBase + i / devices;
        i++;
        long nowMs = System.currentTimeMillis();
        if (anomaly == Anomaly.DROPOUT) {
          if (silentUntil[d] > nowMs) {
            skipped++;
            continue;
          }
          if (random.nextDouble() < 0.002) {
            silentUntil[d] = nowMs + 30_000;
          }
        }
        double t = base[d] + 2 * Math.sin(nowMs / 60_000.0 + d) + random.nextGaussian() * 0.1;
        if (anomaly == Anomaly.DRIFT) {
          drift[d] = Math.min(40, drift[d] + 0.05);
          t += drift[d];
        }
        if (anomaly == Anomaly.SPIKE && random.nextDouble() < 0.01) {
          t += 15;
        }
        t = Math.max(-40, Math.min(80, Math.round(t * 10) / 10.0));
        double h =
            Math.max(
                0,
                Math.min(
                    100,
                    Math.round(
                            (50 + 10 * Math.cos(nowMs / 90_000.0 + d) + random.nextGaussian()) * 10)
                        / 10.0));
        String id = String.format(Locale.ROOT, "sim-%04d", d + 1);
        String payload =
            "{\"device_id\":\""
                + id
                + "\",\"ts\":\""
                + Instant.ofEpochMilli(nowMs).truncatedTo(ChronoUnit.MILLIS)
                + "\",\"seq\":"
                + seq
                + ",\"temperature\":"
                + t
                + ",\"humidity\":"
                + h
                + ",\"source\":\"sim\"}";
        inflight.acquire();
        MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        m.setQos(qos);
        try {
          client.publish(topic, m, null, release);
        } catch (MqttException e) {
          inflight.release();
          err.println("edge-agent simulate: publish failed: " + BrokerClient.explain(e));
          break;
        }
        sent++;
        if (!quiet && rate <= 20) {
          out.println(topic + " " + payload);
          out.flush();
        }
      }
      // Wait for the broker to confirm what is in flight.
      inflight.tryAcquire(window, 30, TimeUnit.SECONDS);
    } finally {
      try {
        client.disconnect().waitForCompletion(5_000);
        client.close();
      } catch (MqttException e) {
        err.println("edge-agent simulate: disconnect: " + e.getMessage());
      }
    }
    double secs = (System.nanoTime() - start) / 1e9;
    out.printf(
        Locale.ROOT,
        "simulate: sent %d readings from %d devices in %.2f s (%.0f/s), %d failed, %d skipped"
            + " (dropout)%n",
        sent,
        devices,
        secs,
        sent / secs,
        failed.get(),
        skipped);
    out.flush();
    return failed.get() == 0 ? 0 : 1;
  }
}
