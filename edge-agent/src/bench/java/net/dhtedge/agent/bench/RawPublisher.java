package net.dhtedge.agent.bench;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * The benchmark's load generator: MQTT 3.1.1 QoS 1 PUBLISH packets written straight to a socket,
 * with a window of unacknowledged messages like a real client's in-flight limit. A general client
 * (Paho) spends more CPU per message than the broker does, and on two shared cores that capped what
 * the benchmark could offer at 13-19k readings/s; this one costs a few microseconds per message, so
 * the broker and the subscribers under test set the pace.
 */
final class RawPublisher {

  private RawPublisher() {}

  /**
   * Publishes {@code n} messages at QoS 1 and returns when the broker acknowledged all of them.
   *
   * @param payload the payload of message {@code i}
   * @param window how many messages may be unacknowledged at once (at most 65,535)
   */
  static void publish(
      String host,
      int port,
      String clientId,
      String topic,
      int n,
      IntFunction<byte[]> payload,
      int window)
      throws IOException, InterruptedException {
    if (window < 1 || window > 65_535) {
      throw new IllegalArgumentException("window must be 1..65535, not " + window);
    }
    try (Socket s = new Socket(host, port)) {
      s.setTcpNoDelay(true);
      OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
      DataInputStream in = new DataInputStream(s.getInputStream());
      out.write(connect(clientId));
      out.flush();
      byte[] connack = new byte[4];
      in.readFully(connack);
      if (connack[0] != 0x20 || connack[3] != 0) {
        throw new IOException("broker refused the connection: return code " + connack[3]);
      }
      Semaphore free = new Semaphore(window);
      AtomicReference<Throwable> failed = new AtomicReference<>();
      Thread acks =
          Thread.ofPlatform()
              .name("raw-publisher-acks")
              .start(
                  () -> {
                    byte[] ack = new byte[4];
                    try {
                      for (int i = 0; i < n; i++) {
                        in.readFully(ack);
                        if ((ack[0] & 0xF0) != 0x40) {
                          throw new IOException(
                              "expected PUBACK, got packet type " + (ack[0] >> 4));
                        }
                        free.release();
                      }
                    } catch (IOException e) {
                      failed.set(e);
                      free.release(window);
                    }
                  });
      byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
      int id = 0;
      for (int i = 0; i < n && failed.get() == null; i++) {
        if (!free.tryAcquire()) {
          out.flush();
          free.acquire();
        }
        id = id % 65_535 + 1;
        writePublish(out, topicBytes, id, payload.apply(i));
      }
      out.flush();
      acks.join();
      if (failed.get() != null) {
        throw new IOException("publisher failed", failed.get());
      }
      out.write(new byte[] {(byte) 0xE0, 0});
      out.flush();
    }
  }

  private static byte[] connect(String clientId) {
    byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x10);
    writeLength(b, 10 + 2 + id.length);
    b.writeBytes(
        new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 0}); // clean session, no keepalive
    b.write(id.length >> 8);
    b.write(id.length & 0xFF);
    b.writeBytes(id);
    return b.toByteArray();
  }

  private static void writePublish(OutputStream out, byte[] topic, int id, byte[] payload)
      throws IOException {
    out.write(0x32); // PUBLISH, QoS 1
    writeLength(out, 2 + topic.length + 2 + payload.length);
    out.write(topic.length >> 8);
    out.write(topic.length & 0xFF);
    out.write(topic);
    out.write(id >> 8);
    out.write(id & 0xFF);
    out.write(payload);
  }

  private static void writeLength(OutputStream out, int len) {
    try {
      do {
        int digit = len % 128;
        len /= 128;
        out.write(len > 0 ? digit | 0x80 : digit);
      } while (len > 0);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
