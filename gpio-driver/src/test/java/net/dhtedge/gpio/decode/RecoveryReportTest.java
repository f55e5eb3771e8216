package net.dhtedge.gpio.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.EdgeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Reports how many generated frames survive each single recorder fault (any clock within +-20 %,
 * any arming point). Asserts no wrong value, and recovery floors only for the faults that destroy
 * no information.
 */
class RecoveryReportTest {

  @Test
  void eachSingleFaultIsSurvivedOrRefusedNeverMisread() {
    DhtDecoder decoder = new DhtDecoder();
    StringBuilder report = new StringBuilder("fault: decoded / frames\n");
    for (Mutations m : Mutations.values()) {
      Random r = new Random(m.ordinal() * 7919L);
      int decoded = 0;
      int n = 3_000;
      for (int i = 0; i < n; i++) {
        DhtModel model = r.nextBoolean() ? DhtModel.DHT11 : DhtModel.DHT22;
        int[] bytes = FrameSynth.randomBytes(model, r);
        FrameSynth.Start start = FrameSynth.Start.values()[r.nextInt(5)];
        EdgeBuffer e = FrameSynth.edges(bytes, r, 0.8 + r.nextDouble() * 0.4, start);
        DhtResult result = decoder.decode(model, m.applyTo(e, r));
        if (result instanceof DhtResult.Reading reading) {
          if (m != Mutations.STRAY_PULSE_AFTER || start.ordinal() <= 1) {
            assertThat(reading.bytes()).as("%s", m).containsExactly(bytes);
          }
          decoded++;
        }
      }
      report.append(String.format("%-20s %5.1f %%%n", m, 100.0 * decoded / n));
      switch (m) {
        case GLITCHES, SCALE_TIME, DUPLICATE, QUANTISE ->
            assertThat(100.0 * decoded / n).as("%s recovery", m).isGreaterThanOrEqualTo(99.0);
        case JITTER -> assertThat(100.0 * decoded / n).as("%s", m).isGreaterThanOrEqualTo(95.0);
        default -> {}
      }
    }
    System.out.println(report);
  }
}
