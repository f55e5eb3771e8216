package net.dhtedge.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.dhtedge.agent.contract.RejectCounter;
import net.dhtedge.agent.contract.RejectReason;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.testing.InMemoryIntake;
import net.dhtedge.agent.testing.MosquittoBroker;
import net.dhtedge.agent.testing.TestClient;
import net.dhtedge.gpio.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingest against a real Mosquitto with the real Paho client. */
class IngestIT {

  static MosquittoBroker broker;
  static final AtomicInteger N = new AtomicInteger();

  final List<AutoCloseable> toClose = new ArrayList<>();
  final InMemoryIntake intake = new InMemoryIntake();
  String prefix;
  MqttConnection connection;
  Ingest ingest;
  TestClient device;

  @BeforeAll
  static void startBroker(@TempDir Path dir) {
    broker = MosquittoBroker.builder(dir).start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
  }

  void startAgent(MqttOptions.Builder b) throws InterruptedException {
    startAgent(b, Duration.ofMillis(1));
  }

  void startAgent(MqttOptions.Builder b, Duration storeRetryDelay) throws InterruptedException {
    startAgent(b, storeRetryDelay, AgentClock.system());
  }

  /**
   * {@code ingestClock} stamps receive times (the connection and reject counter use the real one).
   */
  void startAgent(MqttOptions.Builder b, Duration storeRetryDelay, AgentClock ingestClock)
      throws InterruptedException {
    prefix = "ing" + N.incrementAndGet();
    MqttOptions o =
        b.serverUri(broker.url())
            .clientId("agent-" + prefix)
            .topicPrefix(prefix)
            .reconnect(Duration.ofMillis(100), Duration.ofMillis(400))
            .build();
    connection = MqttConnection.create(o, AgentClock.system(), "test");
    toClose.add(connection);
    ingest =
        new Ingest(
            connection,
            intake,
            new RejectCounter(AgentClock.system()),
            ingestClock,
            storeRetryDelay);
    ingest.start();
    connection.start();
    assertThat(connection.awaitConnected(Duration.ofSeconds(10))).isTrue();
    device = TestClient.connect(broker.url(), "device-" + prefix);
    toClose.add(device);
  }

  String data() {
    return prefix + "/sensor/data";
  }

  @Test
  void everyContractExampleIsStoredOrRejectedWithItsReasonOverTheWire() throws Exception {
    startAgent(MqttOptions.builder());
    Path root = Path.of(getClass().getResource("/contract").toURI());
    List<Path> valid;
    List<Path> invalid;
    try (Stream<Path> v = Files.list(root.resolve("valid"));
        Stream<Path> i = Files.list(root.resolve("invalid"))) {
      valid = v.sorted().toList();
      invalid = i.sorted().toList();
    }
    Map<RejectReason, Long> expected = new EnumMap<>(RejectReason.class);
    for (Path p : invalid) {
      String name = p.getFileName().toString();
      expected.merge(RejectReason.ofId(name.substring(0, name.indexOf("--"))), 1L, Long::sum);
      device.publish(data(), Files.readAllBytes(p), 1, false);
    }
    for (Path p : valid) {
      device.publish(data(), Files.readAllBytes(p), 1, false);
    }
    byte[] fiveKib =
        ("{\"temperature\":25,\"humidity\":60,\"pad\":\"" + "x".repeat(5 * 1024) + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    device.publish(data(), fiveKib, 1, false);
    expected.put(RejectReason.TOO_LARGE, 1L);

    int total = valid.size() + invalid.size() + 1;
    await().until(() -> ingest.stats().received() == total && ingest.stats().pendingAcks() == 0);
    assertThat(intake.stored()).hasSize(valid.size());
    for (RejectReason r : RejectReason.values()) {
      assertThat(ingest.rejects().count(r)).as(r.id()).isEqualTo(expected.getOrDefault(r, 0L));
    }
    assertThat(ingest.stats().acked()).isEqualTo(total);
    assertThat(ingest.stats().stored()).isEqualTo(valid.size());
  }

  @Test
  void aBarePayloadIsAttributedToTheConfiguredDefaultDevice() throws Exception {
    startAgent(MqttOptions.builder().defaultDevice("greenhouse"));
    device.publish(data(), "{\"temperature\":25,\"humidity\":60}", 1, false);
    await().until(() -> intake.stored().size() == 1);
    Reading r = intake.stored().get(0);
    assertThat(r.deviceId()).isEqualTo("greenhouse");
    assertThat(r.source()).isEqualTo("mqtt");
    assertThat(r.seq()).isNull();
    assertThat(r.temperature()).isEqualTo(25.0);
  }

  @Test
  void readingsWithoutTsOrSeqAreStampedApartPerDeviceAndNeverAheadOfTheClock() throws Exception {
    Instant now = Instant.parse("2026-11-28T10:00:00.500Z");
    // A clock that stands still: every message arrives "in the same millisecond".
    startAgent(
        MqttOptions.builder().defaultDevice("greenhouse"),
        Duration.ofMillis(1),
        AgentClock.over(new MutableClock(now)));

    for (int i = 0; i < 3; i++) {
      device.publish(data(), "{\"temperature\":25,\"humidity\":60}", 1, false);
    }
    for (String id : List.of("a", "b", "c")) {
      device.publish(
          data(), "{\"device_id\":\"" + id + "\",\"temperature\":25,\"humidity\":60}", 1, false);
    }
    device.publish(
        data(), "{\"device_id\":\"d\",\"seq\":7,\"temperature\":25,\"humidity\":60}", 1, false);
    await().until(() -> intake.stored().size() == 7);

    assertThat(intake.stored())
        .extracting(r -> r.deviceId() + "@" + r.ts())
        .containsExactly(
            "greenhouse@2026-11-28T10:00:00.500Z",
            "greenhouse@2026-11-28T10:00:00.501Z",
            "greenhouse@2026-11-28T10:00:00.502Z",
            "a@2026-11-28T10:00:00.500Z",
            "b@2026-11-28T10:00:00.500Z",
            "c@2026-11-28T10:00:00.500Z",
            "d@2026-11-28T10:00:00.500Z");
  }

  @Test
  void theAgentsOwnReadingsComingBackAreSkippedAndCountedAsOwn() throws Exception {
    startAgent(MqttOptions.builder().localDeviceIds(Set.of("pi-kitchen")));
    device.publish(
        data(),
        "{\"device_id\":\"pi-kitchen\",\"seq\":1,\"temperature\":20,\"humidity\":50}",
        1,
        false);
    device.publish(
        data(),
        "{\"device_id\":\"esp32-a\",\"seq\":1,\"temperature\":21,\"humidity\":51}",
        1,
        false);
    await().until(() -> ingest.stats().received() == 2 && ingest.stats().pendingAcks() == 0);
    assertThat(ingest.stats().own()).isEqualTo(1);
    assertThat(intake.stored()).extracting(Reading::deviceId).containsExactly("esp32-a");
  }

  @Test
  void aReadingIsNotAckedBeforeTheIntakeCompletedSoAReconnectBringsItBack() throws Exception {
    startAgent(MqttOptions.builder());
    intake.mode(InMemoryIntake.Mode.HOLD);
    device.publish(
        data(),
        "{\"device_id\":\"esp32-a\",\"seq\":1,\"temperature\":20,\"humidity\":50}",
        1,
        false);
    await().until(() -> intake.submitted().size() == 1);
    assertThat(ingest.stats().pendingAcks()).isEqualTo(1);

    // The store has not answered: drop the socket. Not acked, so the broker must redeliver.
    connection.requestReconnect("test");
    await().atMost(Duration.ofSeconds(20)).until(() -> intake.submitted().size() == 2);
    assertThat(ingest.stats().stored()).isZero();

    intake.completeHeld(); // first STORED (its socket is gone: no ack), second DUPLICATE (acked)
    await().until(() -> ingest.stats().duplicates() == 1 && ingest.stats().acked() == 1);
    assertThat(intake.stored()).hasSize(1);

    // Acked now: another reconnect brings nothing back; a new reading proves the path is clear.
    intake.mode(InMemoryIntake.Mode.IMMEDIATE);
    long epoch = connection.epoch();
    connection.requestReconnect("test");
    await().until(() -> connection.isConnected() && connection.epoch() > epoch);
    device.publish(
        data(),
        "{\"device_id\":\"esp32-a\",\"seq\":2,\"temperature\":20,\"humidity\":50}",
        1,
        false);
    await().until(() -> intake.stored().size() == 2);
    assertThat(intake.submitted()).extracting(Reading::seq).containsExactly(1L, 1L, 2L);
  }

  @Test
  void aRedeliveredReadingIsHandedToTheIntakeWhichAnswersDuplicate() throws Exception {
    startAgent(MqttOptions.builder());
    String payload = "{\"device_id\":\"esp32-b\",\"seq\":9,\"temperature\":20,\"humidity\":50}";
    device.publish(data(), payload, 1, false);
    device.publish(data(), payload, 1, false);
    await().until(() -> ingest.stats().received() == 2 && ingest.stats().pendingAcks() == 0);
    assertThat(ingest.stats().stored()).isEqualTo(1);
    assertThat(ingest.stats().duplicates()).isEqualTo(1);
    assertThat(ingest.stats().acked()).isEqualTo(2);
  }

  @Test
  void whenStoringFailsTheReadingIsNotAckedAndArrivesAgainAfterTheReconnect() throws Exception {
    startAgent(MqttOptions.builder());
    intake.mode(InMemoryIntake.Mode.FAIL);
    long epoch = connection.epoch();
    device.publish(
        data(),
        "{\"device_id\":\"esp32-c\",\"seq\":1,\"temperature\":20,\"humidity\":50}",
        1,
        false);
    await().until(() -> ingest.stats().storeFailures() >= 1);
    intake.mode(InMemoryIntake.Mode.IMMEDIATE);
    await().atMost(Duration.ofSeconds(20)).until(() -> intake.stored().size() == 1);
    assertThat(connection.epoch()).isGreaterThan(epoch);
    assertThat(intake.stored().get(0).seq()).isEqualTo(1L);
  }

  @Test
  void anIntakeThatThrowsDoesNotBreakTheClientAndTheMessageComesBackUnacked() throws Exception {
    startAgent(MqttOptions.builder(), Duration.ofHours(1));
    intake.mode(InMemoryIntake.Mode.THROW);
    device.publish(
        data(),
        "{\"device_id\":\"esp32-d\",\"seq\":1,\"temperature\":20,\"humidity\":50}",
        1,
        false);
    await().until(() -> ingest.stats().storeFailures() == 1);
    intake.mode(InMemoryIntake.Mode.IMMEDIATE);
    device.publish(
        data(),
        "{\"device_id\":\"esp32-d\",\"seq\":2,\"temperature\":20,\"humidity\":50}",
        1,
        false);
    // seq 1 was not acked: the reconnect after the first failure brings it back.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(intake.stored())
                    .extracting(Reading::seq)
                    .containsExactlyInAnyOrder(1L, 2L));
    assertThat(ingest.stats().storeFailures()).isEqualTo(1);
  }

  @Test
  void aStormOfTenThousandMalformedPayloadsIsSurvivedAndCountedExactly() throws Exception {
    startAgent(MqttOptions.builder());
    long epoch = connection.epoch();
    Random rnd = new Random(42);
    String[] bad = {
      "{\"temperature\":\"25\",\"humidity\":60}",
      "not json at all",
      "[1,2,3]",
      "{\"temperature\":25}",
      "{\"temperature\":NaN,\"humidity\":60}",
      "{\"temperature\":99,\"humidity\":60}",
      "{\"device_id\":\"a/b\",\"temperature\":20,\"humidity\":60}",
      "{\"ts\":\"noon\",\"temperature\":20,\"humidity\":60}",
      "{\"seq\":-5,\"temperature\":20,\"humidity\":60}",
    };
    RejectReason[] reasons = {
      RejectReason.WRONG_TYPE,
      RejectReason.NOT_JSON,
      RejectReason.NOT_OBJECT,
      RejectReason.MISSING_FIELD,
      RejectReason.NOT_FINITE,
      RejectReason.OUT_OF_RANGE,
      RejectReason.BAD_DEVICE_ID,
      RejectReason.BAD_TS,
      RejectReason.BAD_SEQ,
    };
    Map<RejectReason, Long> expected = new EnumMap<>(RejectReason.class);
    List<byte[]> payloads = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      int k = rnd.nextInt(bad.length + 2);
      if (k < bad.length) {
        payloads.add(bad[k].getBytes(StandardCharsets.UTF_8));
        expected.merge(reasons[k], 1L, Long::sum);
      } else if (k == bad.length) {
        byte[] noise = new byte[1 + rnd.nextInt(64)];
        rnd.nextBytes(noise);
        noise[0] = '{'; // an object that never closes properly
        payloads.add(noise);
        expected.merge(RejectReason.NOT_JSON, 1L, Long::sum);
      } else {
        payloads.add(new byte[4097]);
        expected.merge(RejectReason.TOO_LARGE, 1L, Long::sum);
      }
    }
    device.publishAll(data(), payloads);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> ingest.stats().received() == 10_000 && ingest.stats().pendingAcks() == 0);
    for (RejectReason r : RejectReason.values()) {
      assertThat(ingest.rejects().count(r)).as(r.id()).isEqualTo(expected.getOrDefault(r, 0L));
    }
    assertThat(ingest.rejects().total()).isEqualTo(10_000);
    assertThat(ingest.stats().acked()).isEqualTo(10_000);
    assertThat(connection.epoch()).as("the connection never dropped").isEqualTo(epoch);
    device.publish(
        data(), "{\"device_id\":\"after-storm\",\"temperature\":20,\"humidity\":50}", 1, false);
    await().until(() -> intake.stored().size() == 1);
  }

  @Test
  void deviceStatusesAreTrackedFromRetainedAndLiveMessages() throws Exception {
    // Retained before the agent connects.
    String p = "ing" + (N.get() + 1);
    try (TestClient early = TestClient.connect(broker.url(), "early-" + p)) {
      early.publish(
          p + "/status/esp32-a", "{\"status\":\"online\",\"device_id\":\"esp32-a\"}", 1, true);
    }
    startAgent(MqttOptions.builder());
    assertThat(prefix).isEqualTo(p);
    await().until(() -> ingest.deviceStatus("esp32-a").map(DeviceStatus::online).orElse(false));

    device.publish(
        prefix + "/status/esp32-a", "{\"status\":\"offline\",\"device_id\":\"esp32-a\"}", 1, true);
    device.publish(prefix + "/status/esp32-b", "{\"status\":\"online\"}", 1, false);
    device.publish(prefix + "/status/bad id", "{\"status\":\"online\"}", 1, false);
    device.publish(
        prefix + "/status/esp32-c", "{\"status\":\"online\",\"device_id\":\"esp32-x\"}", 1, false);
    device.publish(prefix + "/status/esp32-d", "{\"status\":\"sleeping\"}", 1, false);
    await().until(() -> ingest.stats().statusUpdates() == 3 && ingest.stats().statusRejects() == 3);
    assertThat(ingest.deviceStatuses()).containsOnlyKeys("esp32-a", "esp32-b");
    assertThat(ingest.deviceStatus("esp32-a").orElseThrow().online()).isFalse();
    assertThat(ingest.deviceStatus("esp32-b").orElseThrow().online()).isTrue();

    device.publish(prefix + "/status/esp32-a", new byte[0], 1, true); // retained cleared
    await().until(() -> ingest.deviceStatus("esp32-a").isEmpty());
  }

  @Test
  void statusesOfFurtherNewDevicesAreNotKeptOnceTenThousandAreButKnownOnesStillChange()
      throws Exception {
    startAgent(MqttOptions.builder());
    int n = Ingest.STATUS_DEVICES + 5;
    for (int i = 0; i < n; i++) {
      device.publish(prefix + "/status/esp-" + i, "{\"status\":\"online\"}", 1, false);
      if (i % 500 == 499) {
        // keep the device's own QoS 1 window (1,000) from overflowing on a loaded machine
        long sent = i + 1;
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    ingest.stats().statusUpdates() + ingest.stats().statusRejects() >= sent - 500);
      }
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> ingest.stats().statusUpdates() + ingest.stats().statusRejects() == n);
    assertThat(ingest.stats().statusRejects()).isEqualTo(5);
    assertThat(ingest.deviceStatuses()).hasSize(Ingest.STATUS_DEVICES).containsKey("esp-0");
    assertThat(ingest.deviceStatus("esp-" + (n - 1))).isEmpty();

    device.publish(prefix + "/status/esp-0", "{\"status\":\"offline\"}", 1, false);
    await().until(() -> !ingest.deviceStatus("esp-0").orElseThrow().online());
  }
}
