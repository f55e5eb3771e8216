package net.dhtedge.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AckQueueTest {

  final List<Integer> acked = new ArrayList<>();
  final AtomicLong epoch = new AtomicLong(1);
  final AckQueue q =
      new AckQueue(
          (e, id, qos) -> {
            acked.add(id);
            return true;
          },
          epoch::get);

  @Test
  void acksGoOutInArrivalOrderEvenWhenOutcomesArriveOutOfOrder() {
    var a = q.arrived(1, 10, 1);
    var b = q.arrived(1, 11, 1);
    var c = q.arrived(1, 12, 1);
    q.settle(c, true);
    q.settle(b, true);
    assertThat(acked).isEmpty();
    q.settle(a, true);
    assertThat(acked).containsExactly(10, 11, 12);
    assertThat(q.pending()).isZero();
  }

  @Test
  void aFailedMessageIsNotAckedAndDoesNotHoldUpTheOthers() {
    var a = q.arrived(1, 10, 1);
    var b = q.arrived(1, 11, 1);
    q.settle(a, false);
    q.settle(b, true);
    assertThat(acked).containsExactly(11);
    assertThat(q.skipped()).isEqualTo(1);
  }

  @Test
  void messagesFromAnOlderSocketAreNeverAcked() {
    var a = q.arrived(1, 10, 1);
    epoch.set(2);
    var b = q.arrived(2, 10, 1);
    q.settle(a, true);
    assertThat(acked).isEmpty();
    q.settle(b, true);
    assertThat(acked).containsExactly(10);
    assertThat(q.acked()).isEqualTo(1);
    assertThat(q.skipped()).isEqualTo(1);
  }
}
