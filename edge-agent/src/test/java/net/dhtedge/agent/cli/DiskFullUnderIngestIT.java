package net.dhtedge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import net.dhtedge.agent.testing.Tmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another process fills the agent's disk at a random moment of a QoS 1 ingest, then the agent is
 * SIGKILLed and started again: no reading the agent acknowledged is missing. Three rounds here
 * (about a minute); {@code bin/bench-diskfull} runs twenty and more (docs/performance.md).
 */
class DiskFullUnderIngestIT {

  @TempDir Path dir;

  @Test
  void noAcknowledgedReadingIsLostWhenTheDiskFillsDuringIngest() throws Exception {
    String why = Tmpfs.whyNotMountable(dir.resolve("probe"));
    assumeTrue(why == null, "needs a tmpfs mount (root or CAP_SYS_ADMIN): " + why);
    DiskFullRounds rounds = new DiskFullRounds(dir, 160L << 20, 40, 250, System.nanoTime());
    for (int i = 1; i <= 3; i++) {
      DiskFullRounds.Round r = rounds.round(i);
      System.out.println(r.row());
      assertThat(r.missing()).as("round %d: acknowledged readings lost (%s)", i, r).isZero();
      assertThat(r.filledBytes()).as("the filler took the free space").isPositive();
    }
  }
}
