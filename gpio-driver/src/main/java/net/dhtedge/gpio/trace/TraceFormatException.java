package net.dhtedge.gpio.trace;

import java.io.IOException;

/** A trace file that does not follow the format; the message names the file and the line. */
public final class TraceFormatException extends IOException {

  private final int line;

  public TraceFormatException(String source, int line, String problem) {
    super(source + ":" + line + ": " + problem);
    this.line = line;
  }

  /** The 1-based line number of the offending line. */
  public int line() {
    return line;
  }
}
