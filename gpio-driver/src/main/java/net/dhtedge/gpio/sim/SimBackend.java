package net.dhtedge.gpio.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import net.dhtedge.gpio.DhtBackend;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.EdgeBuffer;
import net.dhtedge.gpio.decode.DhtDecoder;

/**
 * A simulated DHT11/DHT22 on a simulated recorder: each read encodes the trajectory's climate as
 * the model's bytes, draws the waveform of one simulated part, passes it through the configured
 * capture faults and hands the edges to the real {@link DhtDecoder}. With no faults the result
 * equals {@link #lastSent()}; with faults it is whatever the decoder makes of the damage.
 *
 * <p>Not thread-safe: one reader at a time (the sensor loop).
 */
public final class SimBackend implements DhtBackend {
  private final SimOptions options;
  private final Random random;
  private final SensorPart part;
  private final Instant start;
  private final DhtDecoder decoder = new DhtDecoder();
  private final EdgeBuffer wire = new EdgeBuffer(128);
  private final EdgeBuffer recorded = new EdgeBuffer(128);
  private Sent lastSent;
  private boolean closed;

  /** What the simulated sensor put on the wire in the last read, or that it did not answer. */
  public record Sent(int[] bytes, Climate value, boolean answered) {
    public Sent {
      bytes = bytes.clone();
    }

    @Override
    public int[] bytes() {
      return bytes.clone();
    }
  }

  public SimBackend(SimOptions options) {
    this.options = options;
    this.random = new Random(options.seed());
    this.part = SensorPart.random(random, options.maxClockDrift());
    this.start = options.clock().instant();
  }

  @Override
  public DhtResult read() {
    if (closed) {
      throw new IllegalStateException("simulator closed");
    }
    Instant now = options.clock().instant();
    Climate truth = options.trajectory().at(Duration.between(start, now));
    int[] bytes = DhtFrame.encode(options.model(), truth);
    long releaseNs = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    wire.clear();
    boolean answered = random.nextDouble() >= options.faults().noResponseProbability();
    if (answered) {
      Waveform.write(bytes, part, options.pulseJitterNs(), random, releaseNs, wire);
    }
    lastSent = new Sent(bytes, DhtFrame.valueOf(options.model(), bytes), answered);
    FaultInjector.record(options.faults(), random, releaseNs, wire, recorded);
    return decoder.decode(options.model(), recorded);
  }

  /** The bytes and value of the last read's frame; null before the first read. */
  public Sent lastSent() {
    return lastSent;
  }

  /** The edges the simulated recorder saw in the last read (for tests and trace dumps). */
  public EdgeBuffer lastEdges() {
    return recorded;
  }

  /** The simulated part's timing. */
  public SensorPart part() {
    return part;
  }

  @Override
  public String describe() {
    return "sim " + options.model().id() + " seed=" + options.seed();
  }

  @Override
  public void close() {
    closed = true;
  }
}
