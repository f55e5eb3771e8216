package net.dhtedge.agent.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the writer remembers of a device between batches (committed data only): its row id, the
 * highest dedup keys stored and the most recent keys (the in-memory dedup cache).
 */
final class DeviceState {

  private static final int RECENT = 256;

  final int ref;
  final String deviceId;
  Long maxSeq;
  Long maxTsKey;
  Long lastTs;

  /** The live aggregate buckets (minute, hour), null when none; see {@link LiveBucket}. */
  LiveBucket[] live;

  /** Recent seq -> ts of the reading stored with it. */
  final Map<Long, Long> recentSeq = recent();

  /** Recent ts keys of readings stored by ts (no seq, or a reused seq). */
  final Map<Long, Long> recentTs = recent();

  DeviceState(
      int ref, String deviceId, Long maxSeq, Long maxTsKey, Long lastTs, LiveBucket[] live) {
    this.ref = ref;
    this.deviceId = deviceId;
    this.maxSeq = maxSeq;
    this.maxTsKey = maxTsKey;
    this.lastTs = lastTs;
    this.live = live;
  }

  private static Map<Long, Long> recent() {
    return new LinkedHashMap<>(RECENT * 2, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
        return size() > RECENT;
      }
    };
  }
}
