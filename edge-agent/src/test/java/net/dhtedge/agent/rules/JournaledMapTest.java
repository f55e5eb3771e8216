package net.dhtedge.agent.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JournaledMapTest {

  @Test
  void aRollbackPutsBackChangedRemovedAndAddedKeysAndNothingElse() {
    JournaledMap<String, Integer> m = new JournaledMap<>();
    m.putAll(Map.of("a", 1, "b", 2, "c", 3));
    m.mark();

    m.put("a", 10);
    m.put("a", 11);
    m.remove("b");
    m.put("d", 4);
    m.computeIfAbsent("e", k -> 5);
    m.remove("nothing");
    m.rollback();

    assertThat(m).containsOnly(entry("a", 1), entry("b", 2), entry("c", 3));
  }

  @Test
  void changesBeforeTheMarkStayAndTheJournalStartsAgainAfterARollback() {
    JournaledMap<String, Integer> m = new JournaledMap<>();
    m.put("a", 1);
    m.mark();
    m.put("a", 2);
    m.rollback();
    m.put("a", 3);
    m.rollback();

    assertThat(m).containsOnly(entry("a", 1));
  }

  @Test
  void touchSaysWhetherAKeyChangesForTheFirstTimeSinceTheMark() {
    JournaledMap<String, Integer> m = new JournaledMap<>();
    m.put("a", 1);
    assertThat(m.touch("a")).as("not journaling before the first mark").isFalse();
    m.mark();
    assertThat(m.touch("a")).isTrue();
    assertThat(m.touch("a")).isFalse();
    m.mark();
    assertThat(m.touch("a")).isTrue();
  }
}
