package net.dhtedge.agent.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.hsqldb.lib.FrameworkLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HSQLDB's own report of a failed log write, which is the only report it makes.
 *
 * <p>What HSQLDB 2.7.4 does (read in its sources): at commit, {@code
 * TransactionManagerCommon.persistCommit} writes each row to the {@code .log} through {@code
 * ScriptWriterText.writeRowOutToFile} (into a 16 kB {@code BufferedOutputStream}); an IOException
 * there becomes an HsqlException that {@code persistCommit} catches, reporting it only as the
 * warning "data commit failed" / "data commit logging failed". The COMMIT line then goes through
 * {@code ScriptWriterBase.forceSync}, which flushes the buffer and calls {@code
 * FileDescriptor.sync()} and catches their IOException too ("ScriptWriter synch error"). So {@code
 * Connection.commit()} returns normally, the transaction is committed in memory (other sessions see
 * it) and the log lacks it. Worse, the buffer keeps the bytes a failed flush could not write (part
 * of them may be in the file already) and takes later small writes: once space returns, the next
 * flush appends a torn or repeated line, and replaying the log after a crash stops at the first bad
 * line ("statement error processing log - open continued"), dropping every commit after it,
 * acknowledged or not.
 *
 * <p>Those warnings go to HSQLDB's event log, which by default goes nowhere ({@code hsqldb.extlog}
 * = 0). The store sets {@code SET DATABASE EXTERNAL EVENT LOG LEVEL 2}: warnings and errors then go
 * to java.util.logging, logger {@code hsqldb.db.<unique name>.ENGINE} (HSQLDB's {@code
 * FrameworkLogger}, when log4j is not on the class path). This class listens there and counts them
 * per database. At start it sends one record through the same path and insists on seeing it, so a
 * class path on which the records would go elsewhere fails loudly at open instead of silently.
 */
final class HsqldbLogWatch implements DurabilityWatch {

  private static final Logger LOG = LoggerFactory.getLogger(HsqldbLogWatch.class);
  private static final String PREFIX = "hsqldb.db.";
  private static final String SELF_TEST = "edge-agent: log watch self-test";

  /* Held strongly: java.util.logging keeps loggers weakly, and with them the handler and level. */
  private static final java.util.logging.Logger HSQLDB =
      java.util.logging.Logger.getLogger("hsqldb.db");
  private static final Map<String, HsqldbLogWatch> WATCHES = new ConcurrentHashMap<>();

  static {
    HSQLDB.setLevel(Level.WARNING);
    // HSQLDB's records come to us, not to the console in another format; we log them ourselves
    HSQLDB.setUseParentHandlers(false);
    HSQLDB.addHandler(
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            dispatch(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        });
  }

  private final String name;
  private final AtomicLong failures = new AtomicLong();
  private volatile String first;
  private volatile boolean selfTestSeen;

  private HsqldbLogWatch(String name) {
    this.name = name;
  }

  /** Watches the database with this unique name ({@code DATABASE_NAME()}); verifies the path. */
  static HsqldbLogWatch start(String databaseName) {
    HsqldbLogWatch w = new HsqldbLogWatch(databaseName);
    WATCHES.put(databaseName, w);
    FrameworkLogger.getLog("ENGINE", PREFIX + databaseName).warning(SELF_TEST);
    if (!w.selfTestSeen) {
      w.close();
      throw new StoreException(
          "HSQLDB's event log does not reach java.util.logging (log4j on the class path?): the"
              + " store could not tell a failed log write from a durable commit, so it does not"
              + " open",
          null);
    }
    return w;
  }

  private static void dispatch(LogRecord r) {
    String logger = r.getLoggerName();
    if (logger == null
        || !logger.startsWith(PREFIX)
        || r.getLevel().intValue() < Level.WARNING.intValue()) {
      return;
    }
    String rest = logger.substring(PREFIX.length());
    int dot = rest.indexOf('.');
    HsqldbLogWatch w = WATCHES.get(dot < 0 ? rest : rest.substring(0, dot));
    if (w == null) {
      // a database not (yet) watched, e.g. a log replay at open that stopped at a bad line
      // One line: the cause is what an operator needs (a full disk says "No space left on
      // device"); HSQLDB repeats it once per file it touches, so the stack goes to debug.
      Throwable t = r.getThrown();
      LOG.warn("HSQLDB: {}{}", r.getMessage(), t == null ? "" : ": " + rootMessage(t));
      if (t != null) {
        LOG.debug("HSQLDB's report", t);
      }
      return;
    }
    w.record(r);
  }

  private void record(LogRecord r) {
    if (SELF_TEST.equals(r.getMessage())) {
      selfTestSeen = true;
      return;
    }
    failures.incrementAndGet();
    if (first == null) {
      Throwable t = r.getThrown();
      first = r.getMessage() + (t == null ? "" : ": " + rootMessage(t));
      LOG.debug("HSQLDB reported a failed write", t); // the writer logs the episode once
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + c + ")";
  }

  @Override
  public long failures() {
    return failures.get();
  }

  @Override
  public String firstFailure() {
    return first;
  }

  @Override
  public void newEpisode() {
    first = null;
  }

  @Override
  public void close() {
    WATCHES.remove(name, this);
  }
}
