package net.dhtedge.agent.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The store's claim on its database directory: an OS lock ({@code fcntl}) on {@code
 * db/edge-agent.lock}, held from open to close. It replaces HSQLDB's own lock file, which the
 * database rewrote every 10 s as a heartbeat (SD-card writes that never stop, even with no reading
 * at all) and which a killed owner left behind for ~10 s. The kernel releases this lock when the
 * process dies, however it dies, and holding it writes nothing: the file is created once and stays
 * empty.
 */
final class DbDirLock implements AutoCloseable {

  static final String FILE = "edge-agent.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DbDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock, or fails at once with who to look for when another store holds it. */
  static DbDirLock acquire(Path dbDir) {
    Path file = dbDir.resolve(FILE);
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StoreException("cannot open the store's lock file " + file, e);
    }
    try {
      FileLock l = ch.tryLock();
      if (l == null) {
        throw new StoreException(inUse(dbDir, "another process"), null);
      }
      return new DbDirLock(ch, l);
    } catch (OverlappingFileLockException e) {
      closeQuietly(ch);
      throw new StoreException(inUse(dbDir, "another store in this process"), e);
    } catch (IOException e) {
      closeQuietly(ch);
      throw new StoreException("cannot lock the store's lock file " + file, e);
    } catch (StoreException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  private static String inUse(Path dbDir, String who) {
    return "the store in "
        + dbDir
        + " is open in "
        + who
        + " (is another edge-agent running on this data dir? `systemctl status edge-agent`)";
  }

  /** Releases the lock; idempotent. */
  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException ignored) {
      // closing the channel releases it as well
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing was written through it
    }
  }
}
