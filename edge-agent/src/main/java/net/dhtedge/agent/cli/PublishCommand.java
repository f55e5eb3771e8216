package net.dhtedge.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import net.dhtedge.agent.contract.Topics;
import net.dhtedge.agent.core.Reading;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edge-agent publish}: one reading to the broker, like the reference system's publisher. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = "Publish one reading on <prefix>/sensor/data (the contract in docs/mqtt.md).")
final class PublishCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--temp", required = true, description = "Temperature in °C.")
  double temperature;

  @Option(names = "--hum", required = true, description = "Relative humidity in %%RH.")
  double humidity;

  @Option(names = "--device", description = "Device id (default: cli).", defaultValue = "cli")
  String device;

  @Option(names = "--seq", description = "Sequence number (default: none).")
  Long seq;

  @Option(
      names = "--broker",
      description = "Broker URL (default: ${DEFAULT-VALUE}).",
      defaultValue = "tcp://localhost:1883")
  String broker;

  @Option(
      names = "--prefix",
      description = "Topic prefix (default: ${DEFAULT-VALUE}).",
      defaultValue = "dht11")
  String prefix;

  @Option(names = "--qos", description = "0 or 1 (default: ${DEFAULT-VALUE}).", defaultValue = "1")
  int qos;

  @Option(
      names = "--bare",
      description = "Send only {temperature, humidity}, as the reference did.")
  boolean bare;

  @Override
  public Integer call() {
    if (!Reading.DEVICE_ID.matcher(device).matches()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--device: must match " + Reading.DEVICE_ID.pattern());
    }
    if (qos < 0 || qos > 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--qos: 0 or 1");
    }
    ObjectNode p = JSON.createObjectNode();
    if (!bare) {
      p.put("device_id", device);
      p.put("ts", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
      if (seq != null) {
        p.put("seq", seq);
      }
    }
    p.put("temperature", temperature);
    p.put("humidity", humidity);
    if (!bare) {
      p.put("source", "cli");
    }
    String topic = new Topics(prefix).sensorData();
    try {
      MqttAsyncClient client = BrokerClient.connect(broker, prefix, 10);
      try {
        client.publish(topic, JSON.writeValueAsBytes(p), qos, false).waitForCompletion(10_000);
      } finally {
        client.disconnect().waitForCompletion(5_000);
        client.close();
      }
    } catch (MqttException e) {
      spec.commandLine().getErr().println("edge-agent publish: " + BrokerClient.explain(e));
      return 1;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    spec.commandLine().getOut().println(topic + " " + p);
    return 0;
  }
}
