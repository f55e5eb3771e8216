package net.dhtedge.agent.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.decode.DhtDecoder;
import net.dhtedge.gpio.trace.TraceFile;
import net.dhtedge.gpio.trace.TraceFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code edge-agent decode}: runs the DHT decoder over recorded trace files, one JSON line each.
 */
@Command(
    name = "decode",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Decode recorded DHT edge traces; print one JSON line each.",
      "The traces are DHT11 or DHT22 captures with one edge per line (<timestamp_ns> <R|F>). The files are decoded in order,"
          + " and each gives one line, such as (shown here on two):",
      "  {\"file\":\"t.trace\",\"ok\":true,\"model\":\"dht11\",\"bytes\":[52,9,22,1,84],",
      "   \"humidity\":52.9,\"temperature\":22.1}",
      "  {\"file\":\"t.trace\",\"ok\":false,\"error\":\"checksum\",\"detail\":\"...\"}",
      "error is a decoder failure reason (no-response, too-few-edges, timing, checksum,"
          + " implausible, ambiguous, lost-edge) or, for a file that cannot be used, unreadable"
          + " or malformed (also reported on stderr).",
      "Model: --model if given, else the file's '# model:' line, else dht11.",
      "Exit status: 0 when every file was read (failed decodes included), 2 on a usage error or"
          + " when a file is unreadable or malformed."
    })
public final class DecodeCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--model",
      paramLabel = "dht11|dht22",
      converter = ModelConverter.class,
      description = "Data format for every file (overrides '# model:' lines).")
  DhtModel model;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Trace files to decode.")
  List<Path> files;

  private static final JsonFactory JSON = new JsonFactory();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DhtDecoder decoder = new DhtDecoder();
    StringWriter line = new StringWriter(256);
    int exit = 0;
    for (Path file : files) {
      line.getBuffer().setLength(0);
      try (JsonGenerator json = JSON.createGenerator(line)) {
        json.writeStartObject();
        json.writeStringField("file", file.toString());
        try {
          TraceFile trace = TraceFile.read(file);
          DhtModel chosen = model != null ? model : trace.model().orElse(DhtModel.DHT11);
          writeResult(json, chosen, decoder.decode(chosen, trace.edges()));
        } catch (TraceFormatException e) {
          exit = 2;
          err.println("edge-agent decode: malformed trace " + e.getMessage());
          writeError(json, "malformed", e.getMessage());
        } catch (IOException e) {
          exit = 2;
          String why =
              e instanceof NoSuchFileException ? "no such file" : String.valueOf(e.getMessage());
          err.println("edge-agent decode: cannot read " + file + ": " + why);
          writeError(json, "unreadable", why);
        }
        json.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException("writing JSON to a string failed", e);
      }
      out.println(line);
    }
    out.flush();
    err.flush();
    return exit;
  }

  private static void writeResult(JsonGenerator json, DhtModel model, DhtResult result)
      throws IOException {
    switch (result) {
      case DhtResult.Reading r -> {
        json.writeBooleanField("ok", true);
        json.writeStringField("model", model.id());
        int[] bytes = r.bytes();
        json.writeArrayFieldStart("bytes");
        for (int b : bytes) {
          json.writeNumber(b);
        }
        json.writeEndArray();
        // The decoder's values are tenths / 10.0: Double.toString prints them as 52.9, -6.1.
        json.writeNumberField("humidity", r.humidity() + 0.0);
        json.writeNumberField("temperature", r.temperature() + 0.0);
      }
      case DhtResult.Failure f -> writeError(json, f.reason().id(), f.detail());
    }
  }

  private static void writeError(JsonGenerator json, String error, String detail)
      throws IOException {
    json.writeBooleanField("ok", false);
    json.writeStringField("error", error);
    json.writeStringField("detail", detail);
  }

  /** Accepts dht11, dht22 and the AM230x aliases, case-insensitive. */
  static final class ModelConverter implements CommandLine.ITypeConverter<DhtModel> {
    @Override
    public DhtModel convert(String value) {
      try {
        return DhtModel.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
