package net.dhtedge.gpio.decode;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Reports decode time and allocation per call over the corpus (a benchmark, not a test). Run:
 *
 * <pre>
 * mvn -B -q -Pbench -pl gpio-driver test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp gpio-driver/target/classes:gpio-driver/target/test-classes:$(cat gpio-driver/target/cp.txt) \
 *   -Ddht.traces.dir=../shared/dht11-traces net.dhtedge.gpio.decode.DecoderBenchmark
 * </pre>
 */
public final class DecoderBenchmark {

  private DecoderBenchmark() {}

  public static void main(String[] args) {
    List<Corpus.Entry> entries =
        args.length > 0 && args[0].equals("ok-only")
            ? Corpus.entries().stream().filter(Corpus.Entry::mustDecode).toList()
            : Corpus.entries();
    DhtDecoder decoder = new DhtDecoder();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (int warm = 0; warm < 200; warm++) {
      for (Corpus.Entry e : entries) {
        sink += decoder.decode(e.model(), e.trace().edges()).ok() ? 1 : 0;
      }
    }
    int rounds = 200;
    long bytesBefore = threads.getCurrentThreadAllocatedBytes();
    long start = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      for (Corpus.Entry e : entries) {
        sink += decoder.decode(e.model(), e.trace().edges()).ok() ? 1 : 0;
      }
    }
    long nanos = System.nanoTime() - start;
    long bytes = threads.getCurrentThreadAllocatedBytes() - bytesBefore;
    long calls = (long) rounds * entries.size();
    System.out.printf(
        "%d decodes: %.2f us per decode, %.0f bytes allocated per decode (all results, incl."
            + " failure detail strings) [%d]%n",
        calls, nanos / 1000.0 / calls, (double) bytes / calls, sink);
  }
}
