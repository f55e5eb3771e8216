package net.dhtedge.agent.store;

import java.io.File;
import java.nio.file.Path;

/**
 * The store's file system at one moment: usable and total bytes (statvfs, through {@link File}: no
 * mount-table lookup, so cheap enough for every batch) and the reserve that applies to it.
 *
 * @param usableBytes free for this process; -1 when unknown
 * @param totalBytes size of the file system; -1 when unknown
 * @param reserveBytes the {@link DiskReserve} on this file system
 */
public record DiskSpace(long usableBytes, long totalBytes, long reserveBytes) {

  /** Measures the file system holding {@code dir} (an existing directory). */
  public static DiskSpace of(Path dir, DiskReserve reserve) {
    File f = dir.toFile();
    long total = f.getTotalSpace();
    long usable = f.getUsableSpace();
    if (total == 0 && !f.exists()) {
      return new DiskSpace(-1, -1, reserve.bytesFor(0));
    }
    return new DiskSpace(usable, total, reserve.bytesFor(total));
  }

  public boolean known() {
    return usableBytes >= 0;
  }

  /** True when writes that add data are refused. */
  public boolean belowReserve() {
    return known() && usableBytes < reserveBytes;
  }
}
