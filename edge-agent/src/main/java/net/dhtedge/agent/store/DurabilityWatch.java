package net.dhtedge.agent.store;

/**
 * What the database reports about writes it could not make durable but did not throw for. HSQLDB
 * 2.7.4 catches the IOException of a failed log write or sync and goes on: {@code commit()} returns
 * normally although the log lacks the transaction (see {@link HsqldbLogWatch}). The writer reads
 * {@link #failures()} before and after each commit; a change means the commit does not count.
 */
interface DurabilityWatch extends AutoCloseable {

  /** Failures reported since the watch began; only ever grows. */
  long failures();

  /** The first failure reported since {@link #newEpisode()}, or null. */
  String firstFailure();

  /** Forgets {@link #firstFailure()} (after a recovery), so the next failure is logged again. */
  void newEpisode();

  /** Stops watching. Safe to call twice. */
  @Override
  void close();

  /** For a database that throws for every failed write (nothing to watch). */
  DurabilityWatch NONE =
      new DurabilityWatch() {
        @Override
        public long failures() {
          return 0;
        }

        @Override
        public String firstFailure() {
          return null;
        }

        @Override
        public void newEpisode() {}

        @Override
        public void close() {}
      };
}
