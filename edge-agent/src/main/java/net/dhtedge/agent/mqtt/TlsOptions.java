package net.dhtedge.agent.mqtt;

import java.nio.file.Path;
import net.dhtedge.agent.config.Section;

/**
 * TLS for {@code ssl://} and {@code wss://} brokers: the {@code mqtt.tls:} section, read by {@link
 * #bind}. PEM files; the key is PKCS#8 ({@code BEGIN PRIVATE KEY}). All null: the JVM's trust
 * store.
 *
 * @param caFile CA certificate(s) to trust, or null for the JVM's trust store
 * @param certFile client certificate (chain) for mutual TLS, or null
 * @param keyFile the client certificate's private key, or null
 * @param verifyHostname the broker's certificate must name the host in the URI (default true)
 */
public record TlsOptions(Path caFile, Path certFile, Path keyFile, boolean verifyHostname) {

  /** The JVM's trust store, host names checked, no client certificate. */
  public static final TlsOptions DEFAULTS = new TlsOptions(null, null, null, true);

  /** The {@code mqtt.tls:} section: the files must exist and be readable now. */
  public static TlsOptions bind(Section s) {
    Path ca = s.readableFile("ca_file");
    Path cert = s.readableFile("cert_file");
    Path key = s.readableFile("key_file");
    boolean verify = s.bool("verify_hostname", true);
    if ((cert == null) != (key == null)) {
      if (!(s.has("cert_file") && s.has("key_file"))) {
        s.missing(
            cert == null ? "cert_file" : "key_file",
            "required: cert_file and key_file are set together (mutual TLS)");
      }
      cert = null; // reported above, or where the path is wrong
      key = null;
    }
    if (!verify) {
      s.warn(
          "verify_hostname",
          "host name verification is off: any certificate the CA signed is accepted for this broker");
    }
    return new TlsOptions(ca, cert, key, verify);
  }

  public TlsOptions {
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException(
          "mqtt.tls: cert_file and key_file are set together (mutual TLS)");
    }
  }
}
