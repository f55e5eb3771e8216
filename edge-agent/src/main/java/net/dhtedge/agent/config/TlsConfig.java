package net.dhtedge.agent.config;

import java.nio.file.Path;

/**
 * {@code mqtt.tls:} files are PEM. All null: the JVM's default trust store is used.
 *
 * @param caFile CA certificate(s) to trust, or null for the JVM default
 * @param certFile client certificate for mutual TLS, or null
 * @param keyFile the client certificate's private key (set together with certFile), or null
 * @param verifyHostname check the broker's certificate matches its host name
 */
public record TlsConfig(Path caFile, Path certFile, Path keyFile, boolean verifyHostname) {

  public static final TlsConfig DEFAULTS = new TlsConfig(null, null, null, true);
}
