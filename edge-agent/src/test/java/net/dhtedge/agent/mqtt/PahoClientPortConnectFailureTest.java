package net.dhtedge.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketException;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;

/**
 * The one-line connect failures for a broker that wants a client certificate, for each form the
 * failure takes (the broker's alert, or with TLS 1.3 the closed socket that overtakes it). {@link
 * BrokerClientCertificateIT} gets them from a real Mosquitto, where which form wins is a race.
 */
class PahoClientPortConnectFailureTest {

  private static final Path CERT = Path.of("/etc/edge-agent/gw.crt");

  private static MqttOptions options(String uri, boolean withCertificate) {
    return MqttOptions.builder()
        .serverUri(uri)
        .clientId("gw")
        .tls(
            new TlsOptions(
                null,
                withCertificate ? CERT : null,
                withCertificate ? Path.of("/etc/edge-agent/gw.key") : null,
                true))
        .build();
  }

  private static MqttException alert(String alert) {
    return new MqttException(
        MqttException.REASON_CODE_CONNECTION_LOST,
        new SSLHandshakeException("(" + alert + ") Received fatal alert: " + alert));
  }

  private static MqttException brokenPipe() {
    return new MqttException(new SocketException("Broken pipe"));
  }

  private static String line(MqttException e, MqttOptions o) {
    return PahoClientPort.connectFailure(e, o).getMessage();
  }

  @Test
  void aCertificateRequiredAlertWithoutACertificateSaysWhichKeysToSet() {
    assertThat(line(alert("certificate_required"), options("ssl://mqtt.lan:8883", false)))
        .isEqualTo(
            "broker requires a client certificate: set mqtt.tls.cert_file and key_file"
                + " (connection lost: (certificate_required) Received fatal alert:"
                + " certificate_required (reason 32109))");
  }

  @Test
  void eachClientCertificateAlertWithACertificateNamesTheFile() {
    for (String a :
        new String[] {
          "certificate_required",
          "bad_certificate",
          "unknown_ca",
          "certificate_unknown",
          "access_denied"
        }) {
      assertThat(line(alert(a), options("wss://mqtt.lan:443/mqtt", true)))
          .as(a)
          .startsWith(
              "broker refused the TLS client certificate in mqtt.tls.cert_file "
                  + CERT
                  + ": is it signed by a CA the broker trusts? (connection lost: ("
                  + a
                  + ") Received fatal alert: "
                  + a);
    }
  }

  @Test
  void aBrokenPipeOrResetWhileConnectingOverTlsPointsAtTheClientCertificate() {
    assertThat(line(brokenPipe(), options("ssl://mqtt.lan:8883", false)))
        .isEqualTo(
            "broker closed the TLS connection while connecting; if it requires a client"
                + " certificate, set mqtt.tls.cert_file and key_file"
                + " (MqttException: Broken pipe (reason 0))");
    MqttException reset =
        new MqttException(
            MqttException.REASON_CODE_CONNECTION_LOST,
            new SSLException(new SocketException("Connection reset")));
    assertThat(line(reset, options("ssl://mqtt.lan:8883", true)))
        .startsWith(
            "broker closed the TLS connection while connecting; if it refused the TLS client"
                + " certificate, check that mqtt.tls.cert_file "
                + CERT
                + " is signed by a CA the broker trusts (connection lost: ");
  }

  @Test
  void aBrokenPipeOnPlainTcpSaysNothingAboutCertificates() {
    assertThat(line(brokenPipe(), options("tcp://mqtt.lan:1883", false)))
        .isEqualTo("MqttException: Broken pipe (reason 0)");
  }

  @Test
  void otherTlsAlertsAreNotBlamedOnTheClientCertificate() {
    assertThat(line(alert("handshake_failure"), options("ssl://mqtt.lan:8883", false)))
        .doesNotContain("client certificate")
        .contains("Received fatal alert: handshake_failure");
  }
}
