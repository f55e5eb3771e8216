package net.dhtedge.agent.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import net.dhtedge.agent.contract.ParseResult.Accepted;
import net.dhtedge.agent.contract.ParseResult.Reject;
import net.dhtedge.agent.core.Reading;
import org.junit.jupiter.api.Test;

class ReadingParserTest {

  static final Instant RECEIVED = Instant.parse("2026-11-27T22:00:05Z");
  final ReadingParser parser = new ReadingParser("default");

  ParseResult parse(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8), RECEIVED);
  }

  RejectReason reason(String json) {
    ParseResult r = parse(json);
    assertThat(r).as(json).isInstanceOf(Reject.class);
    return ((Reject) r).reason();
  }

  Reading accepted(String json) {
    ParseResult r = parse(json);
    assertThat(r).as(json).isInstanceOf(Accepted.class);
    return ((Accepted) r).reading();
  }

  @Test
  void aFullPayloadBecomesAReadingWithEveryField() {
    ParseResult r =
        parse(
            "{\"device_id\":\"pi-kitchen\",\"ts\":\"2026-11-27T22:00:00.123Z\",\"seq\":42,"
                + "\"temperature\":21.5,\"humidity\":48.0,\"source\":\"gpiod\",\"model\":\"dht11\"}");
    assertThat(r)
        .isEqualTo(
            new Accepted(
                new Reading(
                    "pi-kitchen",
                    Instant.parse("2026-11-27T22:00:00.123Z"),
                    42L,
                    21.5,
                    48.0,
                    "gpiod"),
                "dht11",
                null,
                false,
                false));
  }

  @Test
  void aGatewayNamesTheAgentThatFirstStoredTheReadingAndMustLookLikeAnId() {
    ParseResult r =
        parse(
            "{\"device_id\":\"esp-1\",\"seq\":7,\"temperature\":20,\"humidity\":50,"
                + "\"gateway\":\"gw-north.2\"}");
    assertThat(((Accepted) r).gateway()).isEqualTo("gw-north.2");
    assertThat(
            ((Accepted) parse("{\"temperature\":20,\"humidity\":50,\"gateway\":null}")).gateway())
        .isNull();
    assertThat(reason("{\"temperature\":20,\"humidity\":50,\"gateway\":5}"))
        .isEqualTo(RejectReason.WRONG_TYPE);
    assertThat(reason("{\"temperature\":20,\"humidity\":50,\"gateway\":\"a b\"}"))
        .isEqualTo(RejectReason.BAD_DEVICE_ID);
    assertThat(reason("{\"temperature\":20,\"humidity\":50,\"gateway\":\"\"}"))
        .isEqualTo(RejectReason.BAD_DEVICE_ID);
  }

  @Test
  void aBarePayloadGoesToTheDefaultDeviceAtReceiveTimeFromMqtt() {
    ParseResult r =
        new ReadingParser("lab-1")
            .parse(
                "{\"temperature\":25,\"humidity\":60}".getBytes(StandardCharsets.UTF_8), RECEIVED);
    assertThat(r)
        .isEqualTo(
            new Accepted(
                new Reading("lab-1", RECEIVED, null, 25.0, 60.0, "mqtt"), null, null, true, true));
  }

  @Test
  void aPayloadOverFourKibibytesIsTooLargeEvenIfValid() {
    String pad = " ".repeat(ReadingParser.MAX_BYTES);
    assertThat(reason("{\"temperature\":25,\"humidity\":60}" + pad))
        .isEqualTo(RejectReason.TOO_LARGE);
    String exactly = "{\"temperature\":25,\"humidity\":60}";
    exactly = exactly + " ".repeat(ReadingParser.MAX_BYTES - exactly.length());
    assertThat(accepted(exactly).temperature()).isEqualTo(25.0);
  }

  @Test
  void garbageEmptyTruncatedAndTrailingContentAreNotJson() {
    assertThat(reason("")).isEqualTo(RejectReason.NOT_JSON);
    assertThat(reason("hello")).isEqualTo(RejectReason.NOT_JSON);
    assertThat(reason("{\"temperature\":25,")).isEqualTo(RejectReason.NOT_JSON);
    assertThat(reason("{\"temperature\":25,\"humidity\":60} x")).isEqualTo(RejectReason.NOT_JSON);
    assertThat(reason("{\"temperature\":25,\"humidity\":60}{}")).isEqualTo(RejectReason.NOT_JSON);
    assertThat(reason("[1] 2")).isEqualTo(RejectReason.NOT_JSON);
    assertThat(reason("{'temperature':25,'humidity':60}")).isEqualTo(RejectReason.NOT_JSON);
  }

  @Test
  void invalidUtf8IsNotJson() {
    byte[] bad =
        "{\"device_id\":\"x\",\"temperature\":25,\"humidity\":60}".getBytes(StandardCharsets.UTF_8);
    bad[15] = (byte) 0xC3; // a lone lead byte inside the string
    assertThat(parser.parse(bad, RECEIVED))
        .isInstanceOfSatisfying(
            Reject.class, r -> assertThat(r.reason()).isEqualTo(RejectReason.NOT_JSON));
  }

  @Test
  void duplicateKeysAreNotJson() {
    assertThat(reason("{\"temperature\":25,\"humidity\":60,\"temperature\":26}"))
        .isEqualTo(RejectReason.NOT_JSON);
  }

  @Test
  void arraysNumbersStringsAndNullAtTopLevelAreNotObjects() {
    assertThat(reason("[25,60]")).isEqualTo(RejectReason.NOT_OBJECT);
    assertThat(reason("25")).isEqualTo(RejectReason.NOT_OBJECT);
    assertThat(reason("\"25\"")).isEqualTo(RejectReason.NOT_OBJECT);
    assertThat(reason("null")).isEqualTo(RejectReason.NOT_OBJECT);
  }

  @Test
  void aMissingMeasurementIsMissingField() {
    assertThat(reason("{\"temperature\":25}")).isEqualTo(RejectReason.MISSING_FIELD);
    assertThat(reason("{\"humidity\":60}")).isEqualTo(RejectReason.MISSING_FIELD);
    assertThat(reason("{}")).isEqualTo(RejectReason.MISSING_FIELD);
  }

  @Test
  void numbersAsStringsBooleansNullsAndContainersAreWrongType() {
    assertThat(reason("{\"temperature\":\"25\",\"humidity\":60}"))
        .isEqualTo(RejectReason.WRONG_TYPE);
    assertThat(reason("{\"temperature\":25,\"humidity\":false}"))
        .isEqualTo(RejectReason.WRONG_TYPE);
    assertThat(reason("{\"temperature\":null,\"humidity\":60}")).isEqualTo(RejectReason.WRONG_TYPE);
    assertThat(reason("{\"temperature\":[25],\"humidity\":60}")).isEqualTo(RejectReason.WRONG_TYPE);
    assertThat(reason("{\"temperature\":{\"v\":25},\"humidity\":60}"))
        .isEqualTo(RejectReason.WRONG_TYPE);
    assertThat(reason("{\"device_id\":7,\"temperature\":25,\"humidity\":60}"))
        .isEqualTo(RejectReason.WRONG_TYPE);
    assertThat(reason("{\"ts\":1764280800,\"temperature\":25,\"humidity\":60}"))
        .isEqualTo(RejectReason.WRONG_TYPE);
    assertThat(reason("{\"seq\":\"5\",\"temperature\":25,\"humidity\":60}"))
        .isEqualTo(RejectReason.WRONG_TYPE);
    assertThat(reason("{\"source\":1,\"temperature\":25,\"humidity\":60}"))
        .isEqualTo(RejectReason.WRONG_TYPE);
    assertThat(reason("{\"model\":true,\"temperature\":25,\"humidity\":60}"))
        .isEqualTo(RejectReason.WRONG_TYPE);
  }

  @Test
  void nullForAnOptionalFieldMeansAbsent() {
    Reading r =
        accepted(
            "{\"device_id\":null,\"ts\":null,\"seq\":null,\"source\":null,\"model\":null,"
                + "\"temperature\":25,\"humidity\":60}");
    assertThat(r).isEqualTo(new Reading("default", RECEIVED, null, 25.0, 60.0, "mqtt"));
  }

  @Test
  void nanInfinityAndOverflowingNumbersAreNotFinite() {
    assertThat(reason("{\"temperature\":NaN,\"humidity\":60}")).isEqualTo(RejectReason.NOT_FINITE);
    assertThat(reason("{\"temperature\":25,\"humidity\":Infinity}"))
        .isEqualTo(RejectReason.NOT_FINITE);
    assertThat(reason("{\"temperature\":-Infinity,\"humidity\":60}"))
        .isEqualTo(RejectReason.NOT_FINITE);
    assertThat(reason("{\"temperature\":1e999,\"humidity\":60}"))
        .isEqualTo(RejectReason.NOT_FINITE);
  }

  @Test
  void valuesOutsideTheSensorRangeAreOutOfRangeAndTheLimitsAreValid() {
    assertThat(reason("{\"temperature\":80.01,\"humidity\":60}"))
        .isEqualTo(RejectReason.OUT_OF_RANGE);
    assertThat(reason("{\"temperature\":-40.5,\"humidity\":60}"))
        .isEqualTo(RejectReason.OUT_OF_RANGE);
    assertThat(reason("{\"temperature\":20,\"humidity\":-0.1}"))
        .isEqualTo(RejectReason.OUT_OF_RANGE);
    assertThat(reason("{\"temperature\":20,\"humidity\":100.1}"))
        .isEqualTo(RejectReason.OUT_OF_RANGE);
    assertThat(accepted("{\"temperature\":-40,\"humidity\":0}").temperature()).isEqualTo(-40.0);
    assertThat(accepted("{\"temperature\":80,\"humidity\":100}").humidity()).isEqualTo(100.0);
  }

  @Test
  void tooLongOrEmptySourceAndModelAreOutOfRange() {
    String longText = "x".repeat(33);
    assertThat(reason("{\"source\":\"" + longText + "\",\"temperature\":25,\"humidity\":60}"))
        .isEqualTo(RejectReason.OUT_OF_RANGE);
    assertThat(reason("{\"model\":\"\",\"temperature\":25,\"humidity\":60}"))
        .isEqualTo(RejectReason.OUT_OF_RANGE);
    assertThat(
            accepted("{\"source\":\"" + "s".repeat(32) + "\",\"temperature\":25,\"humidity\":60}")
                .source())
        .hasSize(32);
  }

  @Test
  void deviceIdsOutsideTheAllowedAlphabetOrLengthAreBadDeviceId() {
    for (String id : new String[] {"", "a/b", "a b", "a+", "#", "é", "x".repeat(65)}) {
      assertThat(reason("{\"device_id\":\"" + id + "\",\"temperature\":25,\"humidity\":60}"))
          .as(id)
          .isEqualTo(RejectReason.BAD_DEVICE_ID);
    }
    assertThat(
            accepted(
                    "{\"device_id\":\""
                        + "A-z_0.9".repeat(10).substring(0, 64)
                        + "\",\"temperature\":25,\"humidity\":60}")
                .deviceId())
        .hasSize(64);
  }

  @Test
  void unparseableLocalOffsetAncientAndFutureTimestampsAreBadTs() {
    for (String ts :
        new String[] {
          "yesterday",
          "2026-11-27T22:00:00",
          "2026-11-27T23:00:00+01:00",
          "2026-11-27 22:00:00Z",
          "1970-01-01T00:00:07.000Z",
          "2026-11-29T22:00:00.000Z"
        }) {
      assertThat(reason("{\"ts\":\"" + ts + "\",\"temperature\":25,\"humidity\":60}"))
          .as(ts)
          .isEqualTo(RejectReason.BAD_TS);
    }
    assertThat(
            accepted("{\"ts\":\"2026-11-27T21:59:59Z\",\"temperature\":25,\"humidity\":60}").ts())
        .isEqualTo(Instant.parse("2026-11-27T21:59:59Z"));
  }

  @Test
  void negativeFractionalAndHugeSeqAreBadSeq() {
    assertThat(reason("{\"seq\":-1,\"temperature\":25,\"humidity\":60}"))
        .isEqualTo(RejectReason.BAD_SEQ);
    assertThat(reason("{\"seq\":1.5,\"temperature\":25,\"humidity\":60}"))
        .isEqualTo(RejectReason.BAD_SEQ);
    assertThat(reason("{\"seq\":3.0,\"temperature\":25,\"humidity\":60}"))
        .isEqualTo(RejectReason.BAD_SEQ);
    assertThat(reason("{\"seq\":99999999999999999999,\"temperature\":25,\"humidity\":60}"))
        .isEqualTo(RejectReason.BAD_SEQ);
    assertThat(accepted("{\"seq\":9223372036854775807,\"temperature\":25,\"humidity\":60}").seq())
        .isEqualTo(Long.MAX_VALUE);
    assertThat(accepted("{\"seq\":0,\"temperature\":25,\"humidity\":60}").seq()).isZero();
  }

  @Test
  void withSeveralProblemsTheFirstInFieldOrderWins() {
    assertThat(reason("{\"device_id\":\"a/b\",\"seq\":-1,\"temperature\":\"x\",\"humidity\":60}"))
        .isEqualTo(RejectReason.WRONG_TYPE);
    assertThat(reason("{\"device_id\":\"a/b\",\"seq\":-1,\"temperature\":20,\"humidity\":60}"))
        .isEqualTo(RejectReason.BAD_DEVICE_ID);
    assertThat(reason("{\"ts\":\"x\",\"seq\":-1,\"temperature\":20,\"humidity\":60}"))
        .isEqualTo(RejectReason.BAD_TS);
  }

  @Test
  void unknownFieldsEvenNestedOnesAreIgnored() {
    Reading r =
        accepted(
            "{\"extra\":{\"a\":[1,2,{\"temperature\":99}]},\"temperature\":25,\"humidity\":60,\"rssi\":-70}");
    assertThat(r.temperature()).isEqualTo(25.0);
  }

  @Test
  void aNullPayloadIsNotJsonAndTheRejectCarriesADetail() {
    assertThat(parser.parse(null, RECEIVED))
        .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.detail()).isNotBlank());
  }

  @Test
  void aDeeplyNestedUnknownFieldCannotCrashTheParser() {
    char[] open = new char[2000];
    char[] close = new char[2000];
    Arrays.fill(open, '[');
    Arrays.fill(close, ']');
    String deep =
        "{\"x\":" + new String(open) + new String(close) + ",\"temperature\":1,\"humidity\":1}";
    assertThat(parse(deep)).isInstanceOf(Reject.class); // too-large here; never an exception
    String deepSmall =
        "{\"x\":" + "[".repeat(1500) + "]".repeat(1500) + ",\"temperature\":1,\"humidity\":1}";
    assertThat(reason(deepSmall)).isEqualTo(RejectReason.NOT_JSON); // Jackson's nesting limit
  }
}
