package net.dhtedge.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecordsTest {

  record Limits(String name, int max, List<String> tags) {
    Limits {
      if (max < 1) {
        throw new IllegalArgumentException("max must be >= 1: " + max);
      }
      tags = List.copyOf(tags);
    }
  }

  final Limits base = new Limits("a", 5, List.of("x"));

  @Test
  void aCopyChangesTheNamedComponentsAndKeepsTheOthers() {
    assertThat(Records.with(base, "max", 7)).isEqualTo(new Limits("a", 7, List.of("x")));
    assertThat(Records.with(base, "name", "b", "tags", List.of()))
        .isEqualTo(new Limits("b", 5, List.of()));
    assertThat(base).isEqualTo(new Limits("a", 5, List.of("x")));
  }

  @Test
  void theCopyGoesThroughTheConstructorSoItsChecksRunAgain() {
    assertThatThrownBy(() -> Records.with(base, "max", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max must be >= 1: 0");
  }

  @Test
  void aWrongNameOrTypeIsRefusedWithWhatTheRecordHas() {
    assertThatThrownBy(() -> Records.with(base, "maximum", 7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Limits has no component maximum; it has [name, max, tags]");
    assertThatThrownBy(() -> Records.with(base, "max", "7"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Limits.max is a int, not String");
    assertThatThrownBy(() -> Records.with(base, "max", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Limits.max is a int, not null");
    assertThatThrownBy(() -> Records.with(base, "max"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected name, value pairs, got 1");
  }
}
