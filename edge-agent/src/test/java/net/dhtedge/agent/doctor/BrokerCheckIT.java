package net.dhtedge.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.testing.MosquittoBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker check against a private Mosquitto that requires a password. */
class BrokerCheckIT {

  @TempDir static Path dir;
  static MosquittoBroker broker;
  static final String USER = "edge";
  static final String PASSWORD = "s3cret";

  @BeforeAll
  static void startBroker() throws Exception {
    broker = MosquittoBroker.builder(dir).credentials(USER, PASSWORD).start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private Finding check(String yaml) {
    FakeMachine m = new FakeMachine(dir);
    return new BrokerCheck(m.env()).run(FakeMachine.config(yaml)).get(0);
  }

  private static String passwordFile(String password) throws Exception {
    Path f = Files.createTempFile(dir, "pw", ".txt");
    Files.writeString(f, password + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f.toString();
  }

  @Test
  void theRightUserAndPasswordFileConnect() throws Exception {
    Finding f =
        check(
            "mqtt:\n  servers: [tcp://127.0.0.1:"
                + broker.port()
                + "]\n  username: edge\n  password_file: "
                + passwordFile(PASSWORD)
                + "\n");

    assertThat(f.status()).isEqualTo(Status.OK);
    assertThat(f.message())
        .isEqualTo("tcp://127.0.0.1:" + broker.port() + ": connected as user edge");
  }

  @Test
  void aWrongPasswordIsReportedAsRefusedCredentials() throws Exception {
    Finding f =
        check(
            "mqtt:\n  servers: [tcp://127.0.0.1:"
                + broker.port()
                + "]\n  username: edge\n  password_file: "
                + passwordFile("wrong")
                + "\n");

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).contains("refused").contains("user edge");
    assertThat(f.fix()).contains("mqtt.username");
  }

  @Test
  void anonymousAccessToABrokerThatRequiresALoginIsRefused() {
    Finding f = check("mqtt:\n  servers: [tcp://127.0.0.1:" + broker.port() + "]\n");

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).contains("refused").contains("anonymous");
  }

  @Test
  void aPortWhereNothingListensIsUnreachable() throws Exception {
    int closed = MosquittoBroker.freePort();

    Finding f = check("mqtt:\n  servers: [tcp://127.0.0.1:" + closed + "]\n");

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).startsWith("tcp://127.0.0.1:" + closed + ": unreachable");
    assertThat(f.fix()).contains("systemctl status mosquitto");
  }

  @Test
  void anUnknownHostIsNamed() {
    Finding f = check("mqtt:\n  servers: [tcp://no-such-host.invalid:1883]\n");

    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.message()).contains("unknown host no-such-host.invalid");
  }

  @Test
  void disabledMqttAndTheEmbeddedBrokerNeedNoConnection() {
    AgentConfig off = FakeMachine.config("mqtt:\n  enabled: false\n");
    AgentConfig embedded = FakeMachine.config("mqtt:\n  servers: embedded\n");
    FakeMachine m = new FakeMachine(dir);

    assertThat(new BrokerCheck(m.env()).run(off).get(0).message()).contains("MQTT is off");
    assertThat(new BrokerCheck(m.env()).run(embedded).get(0).message()).contains("embedded");
  }
}
