package net.dhtedge.gpio.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.dhtedge.gpio.DhtResult;
import org.junit.jupiter.api.Test;

class CorpusDecodeTest {

  @Test
  void everyTraceDecodesToItsTrueBytesOrFailsAndNearlyAllIntactFramesDecode() {
    DhtDecoder decoder = new DhtDecoder();
    List<String> wrong = new ArrayList<>();
    Map<String, int[]> perFolder = new TreeMap<>(); // recovered, mustDecode
    Map<String, int[]> perCategory = new TreeMap<>();
    List<String> missed = new ArrayList<>();
    for (Corpus.Entry e : Corpus.entries()) {
      DhtResult result = decoder.decode(e.model(), e.trace().edges());
      if (result instanceof DhtResult.Reading r && !Arrays.equals(r.bytes(), e.bytes())) {
        wrong.add(e.file() + " read " + Arrays.toString(r.bytes()));
      }
      if (e.mustDecode()) {
        int ok = result.ok() ? 1 : 0;
        perFolder.computeIfAbsent(e.folder(), k -> new int[2])[0] += ok;
        perFolder.get(e.folder())[1]++;
        perCategory.computeIfAbsent(e.category(), k -> new int[2])[0] += ok;
        perCategory.get(e.category())[1]++;
        if (ok == 0) {
          missed.add(e.file() + ": " + result);
        }
      }
    }
    perCategory.forEach((c, v) -> System.out.printf("%-12s %d/%d%n", c, v[0], v[1]));
    missed.forEach(System.out::println);
    assertThat(wrong).as("wrong values accepted").isEmpty();
    assertThat(perFolder.keySet()).containsExactlyInAnyOrderElementsOf(Corpus.FOLDERS);
    perFolder.forEach(
        (folder, v) ->
            assertThat(v[0] * 1000L)
                .as("%s: recovered %d of %d must_decode frames", folder, v[0], v[1])
                .isGreaterThanOrEqualTo(995L * v[1]));
  }
}
