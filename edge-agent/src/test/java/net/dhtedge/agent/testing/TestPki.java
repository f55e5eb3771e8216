package net.dhtedge.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate authority for TLS tests, made with the {@code openssl} command (Debian's
 * openssl package): a CA, and certificates it signs for given host names, as PEM files (keys in
 * PKCS#8) and as PKCS#12 key stores for Java servers such as GreenMail.
 */
public final class TestPki {

  /** A signed certificate: PEM cert, PEM PKCS#8 key, and both in a PKCS#12 file. */
  public record Issued(Path cert, Path key, Path p12, String p12Password) {}

  private final Path dir;
  private final Path caCert;
  private final Path caKey;

  private TestPki(Path dir, String name) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    this.caCert = dir.resolve(name + "-ca.crt");
    this.caKey = dir.resolve(name + "-ca.key");
    run(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-sha256",
        "-days",
        "2",
        "-keyout",
        caKey.toString(),
        "-out",
        caCert.toString(),
        "-subj",
        "/CN=" + name + " test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
  }

  /** Creates a new CA in {@code dir}; {@code name} keeps several CAs in one directory apart. */
  public static TestPki create(Path dir, String name) {
    try {
      return new TestPki(dir, name);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a test CA with openssl in " + dir, e);
    }
  }

  /** The CA certificate (PEM). */
  public Path caCert() {
    return caCert;
  }

  /**
   * A server certificate for {@code cn} with these subject alternative names ({@code
   * DNS:localhost}, {@code IP:127.0.0.1}).
   */
  public Issued issue(String name, String cn, String... sans) {
    try {
      Path key = dir.resolve(name + ".key");
      Path csr = dir.resolve(name + ".csr");
      Path cert = dir.resolve(name + ".crt");
      Path ext = dir.resolve(name + ".ext");
      Path p12 = dir.resolve(name + ".p12");
      List<String> lines = new ArrayList<>();
      if (sans.length > 0) {
        lines.add("subjectAltName=" + String.join(",", sans));
      }
      lines.add("extendedKeyUsage=serverAuth,clientAuth");
      lines.add("basicConstraints=CA:FALSE");
      Files.write(ext, lines, StandardCharsets.UTF_8);
      run(
          "openssl",
          "req",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          key.toString(),
          "-out",
          csr.toString(),
          "-subj",
          "/CN=" + cn);
      run(
          "openssl",
          "x509",
          "-req",
          "-sha256",
          "-days",
          "2",
          "-in",
          csr.toString(),
          "-CA",
          caCert.toString(),
          "-CAkey",
          caKey.toString(),
          "-CAcreateserial",
          "-out",
          cert.toString(),
          "-extfile",
          ext.toString());
      run(
          "openssl",
          "pkcs12",
          "-export",
          "-in",
          cert.toString(),
          "-inkey",
          key.toString(),
          "-out",
          p12.toString(),
          "-passout",
          "pass:changeit",
          "-name",
          name);
      return new Issued(cert, key, p12, "changeit");
    } catch (IOException e) {
      throw new IllegalStateException("cannot issue a test certificate " + name, e);
    }
  }

  /** Sockets that trust exactly this CA (tests only). */
  public SSLSocketFactory trustingSocketFactory() {
    return trustingContext().getSocketFactory();
  }

  /** A TLS context that trusts this CA only (tests set it as the JVM default where needed). */
  public SSLContext trustingContext() {
    try (InputStream in = Files.newInputStream(caCert)) {
      X509Certificate ca =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      ks.setCertificateEntry("ca", ca);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException("cannot trust " + caCert, e);
    }
  }

  private static void run(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
