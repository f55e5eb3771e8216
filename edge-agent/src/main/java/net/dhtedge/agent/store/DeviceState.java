package net.dhtedge.agent.store;

/**
 * What the writer remembers of a device between batches (committed data only): its row id, the
 * highest dedup keys stored and the most recent keys (the in-memory dedup cache).
 */
final class DeviceState {

  final int ref;
  final String deviceId;
  Long maxSeq;
  Long maxTsKey;
  Long lastTs;

  /** The live aggregate buckets (minute, hour), null when none; see {@link LiveBucket}. */
  LiveBucket[] live;

  /** Recent seq -> ts of the reading stored with it. */
  final RecentKeys recentSeq = new RecentKeys();

  /** Recent ts keys of readings stored by ts (no seq, or a reused seq). */
  final RecentKeys recentTs = new RecentKeys();

  DeviceState(
      int ref, String deviceId, Long maxSeq, Long maxTsKey, Long lastTs, LiveBucket[] live) {
    this.ref = ref;
    this.deviceId = deviceId;
    this.maxSeq = maxSeq;
    this.maxTsKey = maxTsKey;
    this.lastTs = lastTs;
    this.live = live;
  }
}
