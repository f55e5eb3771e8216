package net.dhtedge.agent.doctor;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private Mosquitto on a free port: user {@code edge} / password {@code s3cret}, no anonymous
 * access. Never the system broker on 1883. {@link #close()} stops it.
 */
final class PrivateMosquitto implements AutoCloseable {

  static final String USER = "edge";
  static final String PASSWORD = "s3cret";

  final int port;
  private final Process process;

  private PrivateMosquitto(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  static PrivateMosquitto start(Path dir) throws IOException, InterruptedException {
    Path passwords = dir.resolve("passwd");
    Process pw =
        new ProcessBuilder("mosquitto_passwd", "-b", "-c", passwords.toString(), USER, PASSWORD)
            .redirectErrorStream(true)
            .start();
    pw.getInputStream().readAllBytes();
    if (pw.waitFor() != 0) {
      throw new IOException("mosquitto_passwd failed");
    }
    int port = freePort();
    Path conf =
        Files.writeString(
            dir.resolve("mosquitto.conf"),
            String.join(
                "\n",
                List.of(
                    "listener " + port + " 127.0.0.1",
                    "allow_anonymous false",
                    "password_file " + passwords,
                    "persistence false",
                    // started as root, mosquitto would switch to user mosquitto, which cannot
                    // read the password file in the test's private temp dir
                    "user " + System.getProperty("user.name"),
                    "log_dest stdout",
                    "")));
    Process p =
        new ProcessBuilder("/usr/sbin/mosquitto", "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("mosquitto.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return new PrivateMosquitto(port, p);
      } catch (IOException notYet) {
        if (!p.isAlive()) {
          throw new IOException(
              "mosquitto exited: " + Files.readString(dir.resolve("mosquitto.log")));
        }
        Thread.sleep(50);
      }
    }
    p.destroyForcibly();
    throw new IOException("mosquitto did not listen on " + port + " within 10 s");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}
