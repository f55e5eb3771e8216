package net.dhtedge.agent.mqtt;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Plain TCP sockets whose input is buffered. Paho 1.2.5 reads each packet from the raw socket
 * stream a byte at a time for the fixed header and its length, then the rest: three or more {@code
 * read} system calls per received message. With a buffer, a burst of QoS 1 readings costs one call
 * per 8 KiB. (TLS sockets buffer inside the JDK already and are left alone.)
 */
final class BufferedSocketFactory extends SocketFactory {

  static final BufferedSocketFactory INSTANCE = new BufferedSocketFactory();

  private static final int BUFFER = 8 * 1024;

  private BufferedSocketFactory() {}

  /** An unconnected socket: Paho connects it with its own time-out. */
  @Override
  public Socket createSocket() {
    return new BufferedSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return open(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return open(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return open(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return open(
        new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
  }

  private static Socket open(InetSocketAddress remote, InetSocketAddress local) throws IOException {
    Socket s = new BufferedSocket();
    try {
      if (local != null) {
        s.bind(local);
      }
      s.connect(remote);
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  private static final class BufferedSocket extends Socket {
    private InputStream in;

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (in == null) {
        in = new BufferedInputStream(super.getInputStream(), BUFFER);
      }
      return in;
    }
  }
}
