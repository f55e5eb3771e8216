package net.dhtedge.agent.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import net.dhtedge.agent.contract.Payloads;

/** JSON in and out of the API. */
final class Json {
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private Json() {}

  static byte[] bytes(Object body) {
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot encode JSON", e);
    }
  }

  static String string(Object body) {
    try {
      return MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot encode JSON", e);
    }
  }

  /** Parses a request body that must be a JSON object (empty body: an empty object). */
  static JsonNode object(byte[] body) {
    if (body.length == 0) {
      return MAPPER.createObjectNode();
    }
    JsonNode n;
    try {
      n = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new HttpError(400, "body is not valid JSON");
    }
    if (n == null || !n.isObject()) {
      throw new HttpError(400, "body must be a JSON object");
    }
    return n;
  }

  static String ts(Instant t) {
    return t == null ? null : Payloads.ts(t);
  }
}
