package net.dhtedge.agent.mqtt;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.dhtedge.agent.contract.ReadingParser;
import net.dhtedge.agent.contract.RejectCounter;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.testing.InMemoryIntake;
import net.dhtedge.agent.testing.InMemoryOutbox;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.TestClient;

/**
 * A benchmark, not a test (surefire does not pick it up): parser speed, ingest of QoS 1 readings
 * into a trivial intake compared with mosquitto_sub on the same stream, and publisher drain rate.
 * Run it by hand: {@code java -cp <test classpath> net.dhtedge.agent.mqtt.IngestThroughput 50000}.
 */
public final class IngestThroughput {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    List<byte[]> payloads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      payloads.add(
          ("{\"device_id\":\"esp32-bench\",\"ts\":\"2026-11-27T22:00:00.123Z\",\"seq\":"
                  + i
                  + ",\"temperature\":21.5,\"humidity\":48.0,\"source\":\"bench\",\"model\":\"dht22\"}")
              .getBytes(StandardCharsets.UTF_8));
    }
    ReadingParser parser = new ReadingParser("default");
    Instant now = Instant.parse("2026-11-27T22:00:05Z");
    for (int w = 0; w < 3; w++) {
      long t0 = System.nanoTime();
      for (byte[] p : payloads) {
        parser.parse(p, now);
      }
      long t1 = System.nanoTime();
      System.out.printf("parser: %.0f msgs/s%n", n / ((t1 - t0) / 1e9));
    }

    Path dir = Files.createTempDirectory("bench");
    try (MosquittoBroker broker = MosquittoBroker.builder(dir).start()) {
      // mosquitto_sub as the baseline receiver.
      Process sub =
          new ProcessBuilder(
                  "mosquitto_sub",
                  "-p",
                  "" + broker.port(),
                  "-h",
                  "127.0.0.1",
                  "-q",
                  "1",
                  "-t",
                  "bench/sensor/data",
                  "-C",
                  "" + n,
                  "-i",
                  "bench-sub")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      Thread.sleep(500);
      try (TestClient pub = TestClient.connect(broker.url(), "bench-pub")) {
        long t0 = System.nanoTime();
        pub.publishAll("bench/sensor/data", payloads);
        sub.waitFor(120, TimeUnit.SECONDS);
        long t1 = System.nanoTime();
        System.out.printf("mosquitto_sub QoS 1: %.0f msgs/s%n", n / ((t1 - t0) / 1e9));
      }

      InMemoryIntake intake = new InMemoryIntake();
      MqttOptions o =
          MqttOptions.builder()
              .serverUri(broker.url())
              .clientId("bench-agent")
              .topicPrefix("bench2")
              .build();
      try (MqttConnection c = MqttConnection.create(o, AgentClock.system(), "bench");
          TestClient pub = TestClient.connect(broker.url(), "bench-pub2")) {
        Ingest ingest =
            new Ingest(c, intake, new RejectCounter(AgentClock.system()), AgentClock.system());
        ingest.start();
        c.start();
        c.awaitConnected(Duration.ofSeconds(10));
        long t0 = System.nanoTime();
        pub.publishAll("bench2/sensor/data", payloads);
        while (ingest.stats().stored() < n) {
          Thread.sleep(5);
        }
        long t1 = System.nanoTime();
        System.out.printf(
            "agent ingest QoS 1 (parse + submit + manual ack): %.0f msgs/s%n",
            n / ((t1 - t0) / 1e9));
      }

      InMemoryOutbox outbox = new InMemoryOutbox();
      for (byte[] p : payloads) {
        outbox.enqueue("bench3/sensor/data", p, 1, false, 5);
      }
      MqttOptions po =
          MqttOptions.builder()
              .serverUri(broker.url())
              .clientId("bench-publisher")
              .topicPrefix("bench3")
              .subscribe(false)
              .drainRatePerSecond(100_000)
              .inflightWindow(100)
              .build();
      try (MqttConnection c = MqttConnection.create(po, AgentClock.system(), "bench");
          Publisher p = new Publisher(c, outbox)) {
        p.start();
        long t0 = System.nanoTime();
        c.start();
        while (outbox.depth() > 0) {
          Thread.sleep(5);
        }
        long t1 = System.nanoTime();
        System.out.printf(
            "publisher QoS 1 drain (window 100, no rate cap): %.0f msgs/s%n",
            n / ((t1 - t0) / 1e9));
      }
    }
  }
}
