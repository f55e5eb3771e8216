package net.dhtedge.agent.http;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import net.dhtedge.agent.core.Reading;

/** A stored reading as the live events and the MQTT routes send it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record ReadingJson(
    String deviceId, String ts, Long seq, double temperature, double humidity, String source) {

  static ReadingJson of(Reading r) {
    return new ReadingJson(
        r.deviceId(), Json.ts(r.ts()), r.seq(), r.temperature(), r.humidity(), r.source());
  }
}
