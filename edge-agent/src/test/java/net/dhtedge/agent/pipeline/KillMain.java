package net.dhtedge.agent.pipeline;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import net.dhtedge.agent.core.AgentClock;
import net.dhtedge.agent.core.Reading;
import net.dhtedge.agent.rules.TestRules;
import net.dhtedge.agent.store.StoreOptions;

/**
 * Child process of {@link SigkillIT}: submits readings as fast as the store takes them and prints
 * "ok &lt;seq&gt;;" for each reading whose future completed (after its commit). It runs until it is
 * killed. Every tenth reading also stores one of device {@code pi-live}, stamped with the clock, so
 * its aggregate buckets are live (in memory) when the kill comes.
 *
 * <p>Arguments: data directory, first seq.
 */
public final class KillMain {

  static final Instant T0 = Instant.parse("2026-11-27T00:00:00Z");
  static final String LIVE_DEVICE = "pi-live";

  private KillMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long first = Long.parseLong(args[1]);
    LinkedBlockingQueue<Long> acked = new LinkedBlockingQueue<>();
    Thread printer =
        new Thread(
            () -> {
              BufferedWriter out =
                  new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.US_ASCII));
              List<Long> batch = new ArrayList<>();
              try {
                while (true) {
                  batch.add(acked.take());
                  acked.drainTo(batch);
                  for (long s : batch) {
                    out.write("ok " + s + ";\n"); // ';' ends a complete line
                  }
                  out.flush();
                  batch.clear();
                }
              } catch (Exception e) {
                Thread.currentThread().interrupt();
              }
            },
            "printer");
    printer.setDaemon(true);
    printer.start();
    AgentClock clock = AgentClock.system();
    Pipeline p =
        Pipeline.open(
            StoreOptions.defaults(dir), TestRules.classic(), PipelineOptions.defaults(), clock);
    System.err.println("ready");
    Semaphore window = new Semaphore(5_000);
    for (long seq = first; ; seq++) {
      window.acquire();
      long s = seq;
      // temperatures wander across the default 10..30 band so incidents open and resolve too
      double t = 5 + (seq % 300) / 10.0;
      if (seq % 10 == 0) {
        p.submit(new Reading(LIVE_DEVICE, clock.instant(), s, t, 50, "gpiod"));
      }
      p.submit(new Reading("pi-kill", T0.plusMillis(seq), s, t, 50, "gpiod"))
          .whenComplete(
              (o, e) -> {
                window.release();
                if (e == null) {
                  acked.add(s);
                }
              });
    }
  }
}
