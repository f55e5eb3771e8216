package net.dhtedge.agent.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.core.AgentClock;

/** Starts the agent, prints how to reach it, and keeps it running until a signal (or a time). */
final class AgentRunner {
  private AgentRunner() {}

  static int run(
      AgentConfig config,
      Agent.Mode mode,
      PrintWriter out,
      PrintWriter err,
      Duration exitAfter,
      Consumer<Agent> banner) {
    Agent agent;
    try {
      agent = Agent.start(config, mode, AgentClock.system());
    } catch (RuntimeException e) {
      err.println("edge-agent: cannot start: " + describe(e));
      err.flush();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              agent.close();
              stopped.countDown();
            },
            "edge-agent-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    banner.accept(agent);
    if (agent.newHttpToken() != null) {
      // Printed once: only the start that generated the token file shows it.
      out.println(
          "HTTP API token (generated now, saved in "
              + config.agent().dataDir().resolve(net.dhtedge.agent.http.TokenFile.NAME)
              + "; shown only this once): "
              + agent.newHttpToken());
    }
    out.flush();
    try {
      if (exitAfter != null) {
        if (!stopped.await(exitAfter.toMillis(), TimeUnit.MILLISECONDS)) {
          Runtime.getRuntime().removeShutdownHook(hook);
          agent.close();
        }
      } else {
        stopped.await();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      agent.close();
    }
    return 0;
  }

  /** The message of an exception and its causes, without a stack trace. */
  static String describe(Throwable e) {
    StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c.getMessage() != null && !b.toString().contains(c.getMessage())) {
        b.append(": ").append(c.getMessage());
      }
    }
    return b.toString();
  }
}
