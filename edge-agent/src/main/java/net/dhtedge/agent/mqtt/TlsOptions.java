package net.dhtedge.agent.mqtt;

import java.nio.file.Path;

/**
 * TLS for {@code ssl://} and {@code wss://} brokers. PEM files; the key is PKCS#8 ({@code BEGIN
 * PRIVATE KEY}).
 *
 * @param caFile CA certificate(s) to trust, or null for the JVM's trust store
 * @param certFile client certificate (chain) for mutual TLS, or null
 * @param keyFile the client certificate's private key, or null
 * @param verifyHostname the broker's certificate must name the host in the URI (default true)
 */
public record TlsOptions(Path caFile, Path certFile, Path keyFile, boolean verifyHostname) {

  /** The JVM's trust store, host names checked, no client certificate. */
  public static final TlsOptions DEFAULTS = new TlsOptions(null, null, null, true);

  public TlsOptions {
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException(
          "mqtt.tls: cert_file and key_file are set together (mutual TLS)");
    }
  }
}
