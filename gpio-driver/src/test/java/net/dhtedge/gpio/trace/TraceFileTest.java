package net.dhtedge.gpio.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import net.dhtedge.gpio.DhtModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceFileTest {

  @Test
  void edgesCommentsBlankLinesAndTheModelLineAreRead() throws Exception {
    TraceFile t =
        TraceFile.parse(
            "# source: a test\n#model: AM2302\n\n1000 R\n  2000\tF  \n\n# trailing\n3000 R\n");
    assertThat(t.model()).contains(DhtModel.DHT22);
    assertThat(t.edges().size()).isEqualTo(3);
    assertThat(t.edges().time(1)).isEqualTo(2000);
    assertThat(t.edges().rising(1)).isFalse();
    assertThat(t.edges().rising(2)).isTrue();
  }

  @Test
  void aTraceWithoutAModelLineHasNoModel() throws Exception {
    assertThat(TraceFile.parse("5 F\n").model()).isEmpty();
  }

  @Test
  void aBadEdgeKindNamesItsLine() {
    assertThatThrownBy(() -> TraceFile.parse("# x\n1 R\n2 X\n"))
        .isInstanceOf(TraceFormatException.class)
        .hasMessageContaining(":3:")
        .hasMessageContaining("'X'")
        .satisfies(e -> assertThat(((TraceFormatException) e).line()).isEqualTo(3));
  }

  @Test
  void aTimestampThatIsNotAnIntegerNamesItsLine() {
    assertThatThrownBy(() -> TraceFile.parse("1.5 R\n"))
        .isInstanceOf(TraceFormatException.class)
        .hasMessageContaining(":1:")
        .hasMessageContaining("1.5");
  }

  @Test
  void aLineWithoutAnEdgeKindIsMalformed() {
    assertThatThrownBy(() -> TraceFile.parse("1 R\n2\n"))
        .isInstanceOf(TraceFormatException.class)
        .hasMessageContaining(":2:");
  }

  @Test
  void timestampsGoingBackwardsAreMalformed() {
    assertThatThrownBy(() -> TraceFile.parse("10 R\n5 F\n"))
        .isInstanceOf(TraceFormatException.class)
        .hasMessageContaining(":2:")
        .hasMessageContaining("earlier");
  }

  @Test
  void anUnknownModelIsMalformed() {
    assertThatThrownBy(() -> TraceFile.parse("# model: dht99\n"))
        .isInstanceOf(TraceFormatException.class)
        .hasMessageContaining(":1:")
        .hasMessageContaining("dht99");
  }

  @Test
  void aFileIsReadAndItsPathNamedInErrors(@TempDir Path dir) throws Exception {
    Path good = Files.writeString(dir.resolve("a.trace"), "# model: dht11\n1 F\n2 R\n");
    assertThat(TraceFile.read(good).edges().size()).isEqualTo(2);
    Path bad = Files.writeString(dir.resolve("b.trace"), "1 F\noops\n");
    assertThatThrownBy(() -> TraceFile.read(bad)).hasMessageContaining("b.trace:2:");
  }
}
