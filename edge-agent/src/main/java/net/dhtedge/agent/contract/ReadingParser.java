package net.dhtedge.agent.contract;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import net.dhtedge.agent.contract.ParseResult.Accepted;
import net.dhtedge.agent.contract.ParseResult.Reject;
import net.dhtedge.agent.core.Reading;

/**
 * Parses and validates a {@code <prefix>/sensor/data} payload exactly as docs/mqtt.md says. One
 * streaming pass (Jackson), no tree, no reflection; thread-safe and allocation-light, so it can run
 * on the MQTT callback thread for a storm of messages.
 *
 * <p>Strict: a number given as a string is {@code wrong-type}, duplicate keys make the payload
 * {@code not-json}, unknown fields are ignored (forward compatible), {@code null} for an optional
 * field means absent and for a required field is {@code wrong-type}. When a payload has several
 * problems the reason is the first found in field order: temperature, humidity, device_id, ts, seq,
 * source, model, gateway.
 */
public final class ReadingParser {

  /** The largest payload accepted, in bytes. */
  public static final int MAX_BYTES = 4096;

  /** The longest {@code source} or {@code model} string. */
  public static final int MAX_TEXT = 32;

  /** Source recorded for readings that name none. */
  public static final String DEFAULT_SOURCE = "mqtt";

  /** Timestamps before this are a device without a clock, not a measurement time. */
  public static final Instant EARLIEST_TS = Instant.parse("2020-01-01T00:00:00Z");

  /** How far ahead of the receive time a timestamp may be (clock skew). */
  public static final Duration MAX_FUTURE = Duration.ofDays(1);

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // NaN/Infinity tokens parse as numbers so they are reported as not-finite, not not-json.
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  private final String defaultDevice;

  /**
   * @param defaultDevice the device a payload without {@code device_id} is attributed to
   */
  public ReadingParser(String defaultDevice) {
    Objects.requireNonNull(defaultDevice, "defaultDevice");
    if (!Reading.DEVICE_ID.matcher(defaultDevice).matches()) {
      throw new IllegalArgumentException(
          "default device must match " + Reading.DEVICE_ID + ": '" + defaultDevice + "'");
    }
    this.defaultDevice = defaultDevice;
  }

  public String defaultDevice() {
    return defaultDevice;
  }

  /**
   * Parses one payload.
   *
   * @param payload the raw MQTT payload
   * @param receivedAt when it arrived; used as ts when the payload has none
   */
  public ParseResult parse(byte[] payload, Instant receivedAt) {
    Objects.requireNonNull(receivedAt, "receivedAt");
    if (payload == null) {
      return new Reject(RejectReason.NOT_JSON, "no payload");
    }
    if (payload.length > MAX_BYTES) {
      return new Reject(RejectReason.TOO_LARGE, payload.length + " bytes > " + MAX_BYTES);
    }
    Fields f = new Fields();
    try (JsonParser p = JSON.createParser(payload)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return new Reject(RejectReason.NOT_JSON, "empty payload");
      }
      if (first != JsonToken.START_OBJECT) {
        p.skipChildren();
        if (p.nextToken() != null) {
          return new Reject(RejectReason.NOT_JSON, "trailing content");
        }
        return new Reject(RejectReason.NOT_OBJECT, "top level is " + describe(first));
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        f.read(name, v, p);
        p.skipChildren();
      }
      if (t != JsonToken.END_OBJECT) {
        return new Reject(RejectReason.NOT_JSON, "unterminated object");
      }
      if (p.nextToken() != null) {
        return new Reject(RejectReason.NOT_JSON, "trailing content after the object");
      }
    } catch (IOException | RuntimeException e) {
      // JsonParseException (syntax, bad UTF-8, duplicate key) and constraint violations.
      return new Reject(RejectReason.NOT_JSON, firstLine(e.getMessage()));
    }
    return f.validate(receivedAt);
  }

  private final class Fields {
    Double temperature;
    Double humidity;
    String deviceId;
    String ts;
    Long seq;
    String source;
    String model;
    String gateway;
    Reject temperatureProblem;
    Reject humidityProblem;
    Reject deviceProblem;
    Reject tsProblem;
    Reject seqProblem;
    Reject sourceProblem;
    Reject modelProblem;
    Reject gatewayProblem;

    void read(String name, JsonToken v, JsonParser p) throws IOException {
      switch (name) {
        case "temperature" -> {
          if (isNumber(v)) {
            temperature = p.getDoubleValue();
          } else {
            temperatureProblem = wrongType(name, v);
          }
        }
        case "humidity" -> {
          if (isNumber(v)) {
            humidity = p.getDoubleValue();
          } else {
            humidityProblem = wrongType(name, v);
          }
        }
        case "device_id" -> {
          if (v == JsonToken.VALUE_STRING) {
            deviceId = p.getText();
          } else if (v != JsonToken.VALUE_NULL) {
            deviceProblem = wrongType(name, v);
          }
        }
        case "ts" -> {
          if (v == JsonToken.VALUE_STRING) {
            ts = p.getText();
          } else if (v != JsonToken.VALUE_NULL) {
            tsProblem = wrongType(name, v);
          }
        }
        case "seq" -> {
          if (v == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType nt = p.getNumberType();
            if (nt == JsonParser.NumberType.INT || nt == JsonParser.NumberType.LONG) {
              long s = p.getLongValue();
              if (s >= 0) {
                seq = s;
              } else {
                seqProblem = new Reject(RejectReason.BAD_SEQ, "seq is negative: " + s);
              }
            } else {
              seqProblem = new Reject(RejectReason.BAD_SEQ, "seq does not fit in 64 bits");
            }
          } else if (v == JsonToken.VALUE_NUMBER_FLOAT) {
            seqProblem = new Reject(RejectReason.BAD_SEQ, "seq is not an integer: " + p.getText());
          } else if (v != JsonToken.VALUE_NULL) {
            seqProblem = wrongType(name, v);
          }
        }
        case "source" -> {
          if (v == JsonToken.VALUE_STRING) {
            source = p.getText();
          } else if (v != JsonToken.VALUE_NULL) {
            sourceProblem = wrongType(name, v);
          }
        }
        case "model" -> {
          if (v == JsonToken.VALUE_STRING) {
            model = p.getText();
          } else if (v != JsonToken.VALUE_NULL) {
            modelProblem = wrongType(name, v);
          }
        }
        case "gateway" -> {
          if (v == JsonToken.VALUE_STRING) {
            gateway = p.getText();
          } else if (v != JsonToken.VALUE_NULL) {
            gatewayProblem = wrongType(name, v);
          }
        }
        default -> {
          // Unknown fields are ignored so senders can add fields without breaking old agents.
        }
      }
    }

    ParseResult validate(Instant receivedAt) {
      Reject r;
      if ((r = checkMeasure("temperature", temperature, temperatureProblem, -40.0, 80.0)) != null
          || (r = checkMeasure("humidity", humidity, humidityProblem, 0.0, 100.0)) != null) {
        return r;
      }
      if (deviceProblem != null) {
        return deviceProblem;
      }
      if (deviceId != null && !Reading.DEVICE_ID.matcher(deviceId).matches()) {
        return new Reject(
            RejectReason.BAD_DEVICE_ID,
            "device_id must be 1-64 of [A-Za-z0-9_.-]: '" + clip(deviceId) + "'");
      }
      if (tsProblem != null) {
        return tsProblem;
      }
      Instant when = receivedAt;
      if (ts != null) {
        Instant parsed = parseTs(ts);
        if (parsed == null) {
          return new Reject(
              RejectReason.BAD_TS, "ts is not ISO-8601 UTC ending in Z: '" + clip(ts) + "'");
        }
        if (parsed.isBefore(EARLIEST_TS)) {
          return new Reject(RejectReason.BAD_TS, "ts before " + EARLIEST_TS + ": " + ts);
        }
        if (parsed.isAfter(receivedAt.plus(MAX_FUTURE))) {
          return new Reject(RejectReason.BAD_TS, "ts more than a day in the future: " + ts);
        }
        when = parsed;
      }
      if (seqProblem != null) {
        return seqProblem;
      }
      if (sourceProblem != null) {
        return sourceProblem;
      }
      if (source != null && (source.isEmpty() || source.length() > MAX_TEXT)) {
        return new Reject(
            RejectReason.OUT_OF_RANGE, "source must be 1-" + MAX_TEXT + " characters");
      }
      if (modelProblem != null) {
        return modelProblem;
      }
      if (model != null && (model.isEmpty() || model.length() > MAX_TEXT)) {
        return new Reject(RejectReason.OUT_OF_RANGE, "model must be 1-" + MAX_TEXT + " characters");
      }
      if (gatewayProblem != null) {
        return gatewayProblem;
      }
      if (gateway != null && !Reading.DEVICE_ID.matcher(gateway).matches()) {
        return new Reject(
            RejectReason.BAD_DEVICE_ID,
            "gateway must be 1-64 of [A-Za-z0-9_.-]: '" + clip(gateway) + "'");
      }
      Reading reading =
          new Reading(
              deviceId == null ? defaultDevice : deviceId,
              when,
              seq,
              temperature,
              humidity,
              source == null ? DEFAULT_SOURCE : source);
      return new Accepted(reading, model, gateway, deviceId == null, ts == null);
    }
  }

  private static Reject checkMeasure(
      String name, Double value, Reject problem, double min, double max) {
    if (problem != null) {
      return problem;
    }
    if (value == null) {
      return new Reject(RejectReason.MISSING_FIELD, name + " is required");
    }
    if (value.isNaN() || value.isInfinite()) {
      return new Reject(RejectReason.NOT_FINITE, name + " is " + value);
    }
    if (value < min || value > max) {
      return new Reject(
          RejectReason.OUT_OF_RANGE, name + " " + value + " outside " + min + ".." + max);
    }
    return null;
  }

  private static Instant parseTs(String ts) {
    if (ts.length() > 40 || !ts.endsWith("Z")) {
      return null;
    }
    try {
      return Instant.parse(ts);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static boolean isNumber(JsonToken t) {
    return t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
  }

  private static Reject wrongType(String name, JsonToken t) {
    return new Reject(RejectReason.WRONG_TYPE, name + " is " + describe(t));
  }

  private static String describe(JsonToken t) {
    return switch (t) {
      case VALUE_STRING -> "a string";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      default -> t.toString();
    };
  }

  private static String clip(String s) {
    return s.length() <= 70 ? s : s.substring(0, 67) + "...";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "malformed JSON";
    }
    int nl = message.indexOf('\n');
    return clip(nl < 0 ? message : message.substring(0, nl));
  }
}
