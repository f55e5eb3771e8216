package net.dhtedge.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentKeysTest {

  @Test
  void anEmptyCacheKnowsNoKey() {
    RecentKeys keys = new RecentKeys();
    assertThat(keys.get(0)).isNull();
    assertThat(keys.contains(0)).isFalse();
    assertThat(keys.size()).isZero();
  }

  @Test
  void itKeepsTheNewestKeysWithTheirValuesAndForgetsTheOldestWhenFull() {
    RecentKeys keys = new RecentKeys();
    int n = RecentKeys.CAPACITY + 10;
    for (long k = 1; k <= n; k++) {
      keys.put(k, 1000 + k);
    }
    assertThat(keys.size()).isEqualTo(RecentKeys.CAPACITY);
    for (long k = 1; k <= 10; k++) {
      assertThat(keys.get(k)).as("key %d was pushed out", k).isNull();
    }
    for (long k = 11; k <= n; k++) {
      assertThat(keys.get(k)).isEqualTo(1000 + k);
    }
  }

  @Test
  void aKeyPutTwiceAnswersWithItsNewestValue() {
    RecentKeys keys = new RecentKeys();
    keys.put(7, 1);
    keys.put(8, 2);
    keys.put(7, 3);
    assertThat(keys.get(7)).isEqualTo(3);
    assertThat(keys.get(8)).isEqualTo(2);
  }

  @Test
  void zeroAndNegativeKeysAreKeysLikeAnyOther() {
    RecentKeys keys = new RecentKeys();
    assertThat(keys.contains(0)).isFalse();
    keys.put(-5, -5);
    keys.put(0, 0);
    assertThat(keys.get(0)).isEqualTo(0);
    assertThat(keys.get(-5)).isEqualTo(-5);
    assertThat(keys.contains(1)).isFalse();
  }
}
