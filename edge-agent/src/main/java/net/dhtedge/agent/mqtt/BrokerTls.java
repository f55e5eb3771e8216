package net.dhtedge.agent.mqtt;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Builds the TLS socket factory for the broker from PEM files with the JDK alone (KeyStore,
 * TrustManagerFactory; no BouncyCastle): TLS 1.2 and 1.3 only, and a trust manager that turns the
 * JDK's certificate failures into one line a user can act on ({@link CertificateRefused}).
 */
public final class BrokerTls {

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private BrokerTls() {}

  /**
   * A certificate refused by the agent's trust manager, with a one-line message: {@code broker
   * certificate not trusted by ca_file X} or {@code broker certificate is for ..., not HOST}.
   */
  public static final class CertificateRefused extends CertificateException {
    public CertificateRefused(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The socket factory for these options.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static SSLSocketFactory socketFactory(TlsOptions o) {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (o.caFile() != null) {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        List<X509Certificate> cas = certificates(o.caFile(), "ca_file");
        for (int i = 0; i < cas.size(); i++) {
          trust.setCertificateEntry("ca" + i, cas.get(i));
        }
        tmf.init(trust);
      } else {
        tmf.init((KeyStore) null);
      }
      X509ExtendedTrustManager jdk = null;
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          jdk = x;
        }
      }
      if (jdk == null) {
        throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
      }
      String trustedBy =
          o.caFile() == null ? "the JVM's trust store" : "ca_file " + o.caFile().toString();
      TrustManager[] trust = {new Explaining(jdk, trustedBy)};

      javax.net.ssl.KeyManager[] keys = null;
      if (o.certFile() != null) {
        List<X509Certificate> chain = certificates(o.certFile(), "cert_file");
        PrivateKey key = privateKey(o.keyFile());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = "edge-agent".toCharArray();
        ks.setKeyEntry("client", key, pw, chain.toArray(Certificate[]::new));
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        keys = kmf.getKeyManagers();
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keys, trust, null);
      return new ModernOnly(ctx.getSocketFactory());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("mqtt.tls: cannot set up TLS: " + e.getMessage(), e);
    }
  }

  static List<X509Certificate> certificates(Path file, String key) {
    String pem = read(file, key);
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      Matcher m = PEM.matcher(pem);
      while (m.find()) {
        if (m.group(1).equals("CERTIFICATE")) {
          out.add(
              (X509Certificate)
                  cf.generateCertificate(new ByteArrayInputStream(decode(m.group(2), file, key))));
        }
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(
          "mqtt.tls." + key + " " + file + ": not a valid PEM certificate: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "mqtt.tls."
              + key
              + " "
              + file
              + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
    }
    return out;
  }

  static PrivateKey privateKey(Path file) {
    String pem = read(file, "key_file");
    Matcher m = PEM.matcher(pem);
    while (m.find()) {
      String type = m.group(1);
      if (type.equals("PRIVATE KEY")) {
        byte[] der = decode(m.group(2), file, "key_file");
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "EdDSA"}) {
          try {
            return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
          } catch (GeneralSecurityException e) {
            // Try the next algorithm.
          }
        }
        throw new IllegalArgumentException(
            "mqtt.tls.key_file " + file + ": a PKCS#8 key of an unsupported type");
      }
      if (type.equals("RSA PRIVATE KEY") || type.equals("EC PRIVATE KEY")) {
        throw new IllegalArgumentException(
            "mqtt.tls.key_file "
                + file
                + ": a "
                + type
                + " (traditional format); convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in "
                + file
                + " -out key.pem");
      }
      if (type.equals("ENCRYPTED PRIVATE KEY")) {
        throw new IllegalArgumentException(
            "mqtt.tls.key_file "
                + file
                + ": the key is encrypted; store it unencrypted with mode 0600 (openssl pkcs8"
                + " -topk8 -nocrypt)");
      }
    }
    throw new IllegalArgumentException(
        "mqtt.tls.key_file " + file + ": no PEM private key (-----BEGIN PRIVATE KEY-----) in it");
  }

  private static String read(Path file, String key) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "mqtt.tls." + key + " " + file + ": cannot read it (" + e + ")", e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "mqtt.tls." + key + " " + file + ": not a text (PEM) file", e);
    }
  }

  private static byte[] decode(String base64, Path file, String key) {
    try {
      return Base64.getMimeDecoder().decode(base64.replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("mqtt.tls." + key + " " + file + ": bad base64 in PEM", e);
    }
  }

  /** {@code CN=broker, SAN=[DNS:broker.lan, IP:10.0.0.2]}. */
  static String names(X509Certificate c) {
    StringBuilder b = new StringBuilder(c.getSubjectX500Principal().getName());
    try {
      Collection<List<?>> sans = c.getSubjectAlternativeNames();
      if (sans != null) {
        List<String> names = new ArrayList<>();
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          String prefix = type == 2 ? "DNS:" : type == 7 ? "IP:" : "other:";
          names.add(prefix + san.get(1));
        }
        b.append(", SAN=").append(names);
      }
    } catch (CertificateParsingException e) {
      b.append(", SAN unreadable");
    }
    return b.toString();
  }

  /** Delegates to the JDK's trust manager; on failure says why in words. */
  private static final class Explaining extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager jdk;
    private final String trustedBy;

    Explaining(X509ExtendedTrustManager jdk, String trustedBy) {
      this.jdk = jdk;
      this.trustedBy = trustedBy;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      try {
        jdk.checkServerTrusted(chain, authType, socket);
      } catch (CertificateException e) {
        String host =
            socket instanceof SSLSocket s && s.getHandshakeSession() != null
                ? s.getHandshakeSession().getPeerHost()
                : socket.getInetAddress() == null ? "?" : hostOf(socket.getInetAddress());
        throw explain(chain, authType, host, e);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      try {
        jdk.checkServerTrusted(chain, authType, engine);
      } catch (CertificateException e) {
        throw explain(chain, authType, engine.getPeerHost(), e);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      try {
        jdk.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        throw explain(chain, authType, "?", e);
      }
    }

    private CertificateException explain(
        X509Certificate[] chain, String authType, String host, CertificateException e) {
      X509Certificate leaf = chain.length == 0 ? null : chain[0];
      boolean chainTrusted;
      try {
        ((X509TrustManager) jdk).checkServerTrusted(chain, authType);
        chainTrusted = true;
      } catch (CertificateException again) {
        chainTrusted = false;
      }
      if (chainTrusted && leaf != null) {
        return new CertificateRefused(
            "broker certificate is for " + names(leaf) + ", not " + host, e);
      }
      return new CertificateRefused(
          "broker certificate not trusted by "
              + trustedBy
              + (leaf == null
                  ? ""
                  : " (it is "
                      + leaf.getSubjectX500Principal().getName()
                      + ", issued by "
                      + leaf.getIssuerX500Principal().getName()
                      + ")"),
          e);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      jdk.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      jdk.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      jdk.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return jdk.getAcceptedIssuers();
    }
  }

  private static String hostOf(InetAddress a) {
    return a.getHostAddress();
  }

  /** Sockets that offer TLS 1.2 and 1.3 only. */
  private static final class ModernOnly extends SSLSocketFactory {
    private final SSLSocketFactory d;

    ModernOnly(SSLSocketFactory d) {
      this.d = d;
    }

    private static Socket restrict(Socket s) {
      if (s instanceof SSLSocket ssl) {
        ssl.setEnabledProtocols(PROTOCOLS);
      }
      return s;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return d.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return d.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
      return restrict(d.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose)
        throws IOException {
      return restrict(d.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return restrict(d.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      return restrict(d.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return restrict(d.createSocket(host, port));
    }

    @Override
    public Socket createSocket(
        InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return restrict(d.createSocket(address, port, localAddress, localPort));
    }
  }
}
