package net.dhtedge.gpio.gpiod;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.EdgeBuffer;
import net.dhtedge.gpio.testing.Traces;
import org.junit.jupiter.api.Test;

class EdgeCaptureAllocationTest {

  @Test
  void capturingAWholeFrameAllocatesOnlyItsSummaryNotPerEdge() throws Exception {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Traces.Trace trace =
        Traces.load("real").stream().filter(t -> t.times().length >= 84).findFirst().orElseThrow();
    ReplayLine line = new ReplayLine(trace).quiet();
    EdgeCapture capture = new EdgeCapture(line, line, CaptureOptions.DEFAULTS);
    EdgeBuffer edges = new EdgeBuffer(CaptureOptions.DEFAULTS.maxEdges());
    for (int i = 0; i < 50; i++) { // warm up class loading and the JIT
      capture.capture(DhtModel.DHT22, edges);
    }
    long tid = Thread.currentThread().threadId();
    long before = mx.getThreadAllocatedBytes(tid);
    CaptureStats stats = capture.capture(DhtModel.DHT22, edges);
    long allocated = mx.getThreadAllocatedBytes(tid) - before;
    assertThat(stats.edges()).isGreaterThanOrEqualTo(84);
    // One CaptureStats record (~32 bytes); one allocation per edge would be >= 84 x 16 bytes.
    assertThat(allocated).isLessThan(84 * 16);
  }
}
