package net.dhtedge.agent.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.dhtedge.agent.mqtt.MqttConnection;
import net.dhtedge.agent.mqtt.MqttOptions;
import net.dhtedge.agent.mqtt.Publisher;
import net.dhtedge.agent.testing.InMemoryOutbox;
import net.dhtedge.agent.testing.MosquittoBroker;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * How soon readings flow again after the broker comes back (issue 15.10), against a real private
 * Mosquitto with the agent's MQTT session and publisher at their default reconnect settings.
 *
 * <p>Outages: for each, a fresh agent session (so its back-off is in the state of an agent that ran
 * a long time) connects and publishes a reading every 50 ms from its outbox; the broker is stopped
 * for a random time (uniform in [1 s, max]) and started again. "Gap" is from the moment the broker
 * accepts TCP connections again to the first reading a subscriber (connected at that moment)
 * receives. Restart storm: one agent session while the broker is restarted {@code restarts} times
 * (down 0.5-2 s, up 1-3 s), then left up: per restart the gap, or "missed" when no reading flowed
 * before the next stop, and the gap after the last restart.
 *
 * <p>{@code ReconnectBenchmark [outages=100] [max_outage_s=10] [restarts=20] [seed]}
 */
public final class ReconnectBenchmark {

  private static final String TOPIC = "bench/sensor/data";
  private static final long MISSED = -1;

  public static void main(String[] args) throws Exception {
    int outages = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    double maxOutage = args.length > 1 ? Double.parseDouble(args[1]) : 10;
    int restarts = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    long seed = args.length > 3 ? Long.parseLong(args[3]) : System.nanoTime();
    Random random = new Random(seed);
    Path dir = Files.createTempDirectory("bench-reconnect");
    MqttOptions defaults = MqttOptions.builder().serverUri("tcp://127.0.0.1:1").build();
    System.out.printf(
        Locale.ROOT,
        "seed %d; reconnect %d ms .. %d ms, connect timeout %d s; %d outages of 1..%.0f s%n",
        seed,
        defaults.reconnectMin().toMillis(),
        defaults.reconnectMax().toMillis(),
        defaults.connectTimeout().toSeconds(),
        outages,
        maxOutage);
    try (MosquittoBroker broker = MosquittoBroker.builder(dir).start()) {
      List<Long> gaps = new ArrayList<>();
      List<Long> lengths = new ArrayList<>();
      for (int i = 0; i < outages; i++) {
        long length = (long) (1_000 + random.nextDouble() * (maxOutage * 1_000 - 1_000));
        long gap = outage(broker, length, i);
        gaps.add(gap);
        lengths.add(length);
        System.out.printf(Locale.ROOT, "outage %3d: %6d ms down, gap %6d ms%n", i, length, gap);
      }
      System.out.println("outages: " + summary(gaps));
      long longest = lengths.stream().mapToLong(Long::longValue).max().orElse(0);
      System.out.printf(Locale.ROOT, "longest outage %d ms%n", longest);
      if (restarts > 0) {
        storm(broker, restarts, random);
      }
    }
  }

  /** One outage with a fresh agent session; the gap in ms. */
  static long outage(MosquittoBroker broker, long lengthMs, int n) throws Exception {
    try (Agent agent = new Agent(broker, "bench-agent-" + n)) {
      Subscriber warm = new Subscriber(broker.url(), "bench-sub");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (warm.firstNanos() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      warm.close();
      broker.stop();
      Thread.sleep(lengthMs);
      broker.start(); // returns once it accepts TCP connections
      long up = System.nanoTime();
      Subscriber s = new Subscriber(broker.url(), "bench-sub");
      deadline = up + TimeUnit.SECONDS.toNanos(180);
      while (s.firstNanos() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      long first = s.firstNanos();
      s.close();
      return first == 0 ? MISSED : TimeUnit.NANOSECONDS.toMillis(first - up);
    }
  }

  static void storm(MosquittoBroker broker, int restarts, Random random) throws Exception {
    List<Long> gaps = new ArrayList<>();
    int missed = 0;
    long last;
    try (Agent agent = new Agent(broker, "bench-storm")) {
      Subscriber warm = new Subscriber(broker.url(), "bench-sub");
      while (warm.firstNanos() == 0) {
        Thread.sleep(10);
      }
      warm.close();
      long stormStart = System.nanoTime();
      for (int i = 0; i < restarts; i++) {
        broker.stop();
        Thread.sleep(500 + random.nextInt(1_500));
        broker.start();
        long up = System.nanoTime();
        Subscriber s = new Subscriber(broker.url(), "bench-sub");
        boolean lastOne = i == restarts - 1;
        long window =
            lastOne ? TimeUnit.SECONDS.toNanos(180) : 1_000_000L * (1_000 + random.nextInt(2_000));
        while (s.firstNanos() == 0 && System.nanoTime() - up < window) {
          Thread.sleep(5);
        }
        long first = s.firstNanos();
        if (!lastOne) {
          while (System.nanoTime() - up < window) {
            Thread.sleep(5);
          }
        }
        s.close();
        long gap = first == 0 ? MISSED : TimeUnit.NANOSECONDS.toMillis(first - up);
        if (gap == MISSED) {
          missed++;
        } else {
          gaps.add(gap);
        }
        System.out.printf(
            Locale.ROOT, "storm restart %2d: gap %s%n", i, gap == MISSED ? "missed" : gap + " ms");
        if (lastOne) {
          last = gap;
          System.out.printf(
              Locale.ROOT,
              "storm: %d restarts in %d s; readings flowed in %d of %d up windows (%s);"
                  + " after the last restart: %s%n",
              restarts,
              TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stormStart),
              restarts - missed,
              restarts,
              summary(gaps),
              last == MISSED ? "nothing in 180 s" : last + " ms");
        }
      }
    }
  }

  static String summary(List<Long> gaps) {
    long missed = gaps.stream().filter(g -> g == MISSED).count();
    long[] g = gaps.stream().filter(x -> x != MISSED).mapToLong(Long::longValue).sorted().toArray();
    if (g.length == 0) {
      return "no gaps";
    }
    return String.format(
        Locale.ROOT,
        "n=%d min %d p50 %d p90 %d p99 %d max %d ms, mean %.0f ms%s",
        g.length,
        g[0],
        pct(g, 50),
        pct(g, 90),
        pct(g, 99),
        g[g.length - 1],
        Arrays.stream(g).average().orElse(0),
        missed > 0 ? ", " + missed + " never flowed" : "");
  }

  static long pct(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** The agent's MQTT side at its defaults, fed a reading every 50 ms. */
  static final class Agent implements AutoCloseable {
    final InMemoryOutbox outbox = new InMemoryOutbox();
    final MqttConnection connection;
    final Publisher publisher;
    final ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor();
    final AtomicLong seq = new AtomicLong();

    Agent(MosquittoBroker broker, String clientId) {
      MqttOptions o =
          MqttOptions.builder()
              .serverUri(broker.url())
              .clientId(clientId)
              .topicPrefix("bench")
              .subscribe(false)
              .build();
      connection = MqttConnection.create(o, Clock.systemUTC(), "bench");
      publisher = new Publisher(connection, outbox);
      publisher.start();
      connection.start();
      feeder.scheduleAtFixedRate(
          () ->
              outbox.enqueue(
                  TOPIC,
                  ("{\"seq\":" + seq.incrementAndGet() + "}").getBytes(StandardCharsets.UTF_8),
                  1,
                  false,
                  5),
          0,
          50,
          TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
      feeder.shutdownNow();
      publisher.close();
      connection.close();
    }
  }

  /** A clean-session subscriber that remembers when the first reading arrived. */
  static final class Subscriber implements AutoCloseable {
    private final MqttClient client;
    private volatile long first;

    Subscriber(String url, String id) throws Exception {
      client = new MqttClient(url, id, new MemoryPersistence());
      client.setCallback(
          new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {}

            @Override
            public void messageArrived(String topic, MqttMessage message) {
              if (first == 0) {
                first = System.nanoTime();
              }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {}
          });
      MqttConnectOptions o = new MqttConnectOptions();
      o.setCleanSession(true);
      o.setConnectionTimeout(5);
      client.connect(o);
      client.subscribe(TOPIC, 1);
    }

    long firstNanos() {
      return first;
    }

    @Override
    public void close() throws Exception {
      try {
        if (client.isConnected()) {
          client.disconnect(200);
        }
      } catch (Exception e) {
        client.disconnectForcibly(0, 500);
      }
      client.close();
    }
  }
}
