package net.dhtedge.agent.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import net.dhtedge.agent.mqtt.TlsOptions;

/** Builds an SSLContext from the PEM files named in {@code mqtt.tls} (no other library needed). */
final class Pem {
  private Pem() {}

  /**
   * @throws IOException with a one-line reason (unreadable file, no certificate, key format)
   */
  static SSLContext context(TlsOptions tls) throws IOException {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (tls.caFile() == null) {
        tmf.init((KeyStore) null);
      } else {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        for (Certificate c : certificates(tls.caFile())) {
          trust.setCertificateEntry("ca" + i++, c);
        }
        tmf.init(trust);
      }
      KeyManagerFactory kmf = null;
      if (tls.certFile() != null && tls.keyFile() != null) {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        Collection<? extends Certificate> chain = certificates(tls.certFile());
        ks.setKeyEntry(
            "client", privateKey(tls.keyFile()), new char[0], chain.toArray(new Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use the TLS files: " + e.getMessage(), e);
    }
  }

  static Collection<? extends Certificate> certificates(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new IOException(file + " holds no PEM certificate");
      }
      return certs;
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " is not a PEM certificate file: " + e.getMessage(), e);
    }
  }

  static PrivateKey privateKey(Path file) throws IOException {
    String pem = Files.readString(file);
    if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new IOException(
          file
              + " is not an unencrypted PKCS#8 key; convert it: openssl pkcs8 -topk8 -nocrypt -in"
              + " old.key -out new.key");
    }
    String body =
        pem.substring(
                pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27,
                pem.indexOf("-----END PRIVATE KEY-----"))
            .replaceAll("\\s", "");
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body));
    for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IOException(file + ": unsupported private key algorithm");
  }
}
