package net.dhtedge.agent.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Issue 15 item 1, as an unfriendly network does it, against the agent as users run it (the
 * launcher, -Xmx64m, default HTTP settings): partial and idle connections opened and closed in
 * rounds, then a burst held at once, while the status page is asked for after every round. Reports
 * the agent's fd count and heap (after a GC, by jcmd) before, at the peak and after, how long the
 * fds took to return, and whether the agent survived. Usage: {@code bin/bench-http [connections]
 * [burst]}; EDGE_AGENT_JAR picks the jar (to measure an older build).
 */
public final class HttpAttackBenchmark {
  private HttpAttackBenchmark() {}

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int burst = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    Path work = Files.createTempDirectory("bench-http");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.writeString(
        work.resolve("agent.yml"),
        """
        agent:
          data_dir: %s
          name: bench-http
        sensors:
          - id: pi-sim
            backend: sim
            interval: 1s
        mqtt:
          enabled: false
        http:
          bind: 127.0.0.1
          port: %d
        """
            .formatted(work.resolve("data"), port));
    ProcessBuilder pb =
        new ProcessBuilder(
                "bin/edge-agent", "run", "--config", work.resolve("agent.yml").toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("agent.log").toFile());
    Process agent = pb.start();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI page = URI.create("http://127.0.0.1:" + port + "/");
    long t0 = System.nanoTime();
    while (status(client, page) != 200) {
      if (!agent.isAlive() || System.nanoTime() - t0 > 60e9) {
        throw new IllegalStateException("agent did not start: " + work.resolve("agent.log"));
      }
      Thread.sleep(100);
    }
    long pid = agent.toHandle().children().findFirst().map(ProcessHandle::pid).orElse(agent.pid());
    long fd0 = fds(pid);
    long heap0 = heapAfterGc(pid);
    System.err.printf("bench-http: agent pid %d, %d fds, heap %d KiB%n", pid, fd0, heap0 >> 10);

    Random random = new Random(15);
    List<Long> pageMillis = new ArrayList<>();
    int pageFailures = 0;
    int opened = 0;
    long fdPeak = fd0;
    int refusedConnects = 0;
    while (opened < total && agent.isAlive()) {
      int n = Math.min(400, total - opened);
      List<Socket> held = new ArrayList<>();
      for (int i = 0; i < n; i++, opened++) {
        Socket s = partial(port, random);
        if (s == null) {
          refusedConnects++;
        } else if (random.nextBoolean()) {
          s.close();
        } else {
          held.add(s);
        }
      }
      fdPeak = Math.max(fdPeak, fds(pid));
      long p0 = System.nanoTime();
      if (status(client, page) == 200) {
        pageMillis.add((System.nanoTime() - p0) / 1_000_000);
      } else {
        pageFailures++;
      }
      for (Socket s : held) {
        s.close();
      }
    }
    // A burst held at once (the 1,761 killed the JDK server in 21 s).
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < burst && agent.isAlive(); i++) {
      Socket s = partial(port, random);
      if (s != null) {
        held.add(s);
      } else {
        refusedConnects++;
      }
    }
    long burstEnd = System.nanoTime();
    int burstPageOk = 0;
    int burstPageAsked = 0;
    while (System.nanoTime() - burstEnd < 20e9 && agent.isAlive()) {
      fdPeak = Math.max(fdPeak, fds(pid));
      burstPageAsked++;
      long p0 = System.nanoTime();
      if (status(client, page) == 200) {
        burstPageOk++;
        pageMillis.add((System.nanoTime() - p0) / 1_000_000);
      }
      Thread.sleep(1000);
    }
    for (Socket s : held) {
      s.close();
    }
    long closedAt = System.nanoTime();
    long back = -1;
    while (agent.isAlive() && System.nanoTime() - closedAt < 60e9) {
      if (fds(pid) <= fd0 + 8) {
        back = (System.nanoTime() - closedAt) / 1_000_000;
        break;
      }
      Thread.sleep(250);
    }
    boolean alive = agent.isAlive();
    long fdEnd = alive ? fds(pid) : -1;
    long heapEnd = alive ? heapAfterGc(pid) : -1;
    boolean oom = Files.readString(work.resolve("agent.log")).contains("OutOfMemoryError");
    pageMillis.sort(Comparator.naturalOrder());
    System.out.println("| measure | value |");
    System.out.println("|---|---|");
    System.out.printf("| connections opened in rounds of 400, half held | %d |%n", opened);
    System.out.printf("| burst held at once for 20 s | %d |%n", held.size());
    System.out.printf("| connects refused or timed out | %d |%n", refusedConnects);
    System.out.printf(
        "| status page answered | %d of %d |%n",
        pageMillis.size(), pageMillis.size() + pageFailures + (burstPageAsked - burstPageOk));
    if (!pageMillis.isEmpty()) {
      System.out.printf(
          "| status page latency p50 / max | %d / %d ms |%n",
          pageMillis.get(pageMillis.size() / 2), pageMillis.get(pageMillis.size() - 1));
    }
    System.out.printf("| agent fds before / peak / after | %d / %d / %d |%n", fd0, fdPeak, fdEnd);
    System.out.printf(
        "| fds back within 8 of baseline after the last close | %s |%n",
        back < 0 ? "not within 60 s" : back + " ms");
    System.out.printf(
        "| heap after GC before / after | %d / %s KiB |%n",
        heap0 >> 10, heapEnd < 0 ? "-" : String.valueOf(heapEnd >> 10));
    System.out.printf(
        "| agent alive at the end | %s%s |%n", alive, oom ? " (OutOfMemoryError)" : "");
    agent.toHandle().descendants().forEach(ProcessHandle::destroy);
    agent.destroy();
  }

  /** A connection in one of four unfinished shapes, or null when the connect failed. */
  private static Socket partial(int port, Random random) {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress("127.0.0.1", port), 3000);
      OutputStream out = s.getOutputStream();
      switch (random.nextInt(4)) {
        case 0 -> out.write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        case 1 -> out.write("GET /api/status HTTP/1.1\r\nHost: x\r\nX-A: ".getBytes());
        case 2 -> out.write("GET /healthz HTTP/1.1\nHost: x\n\n".getBytes());
        default -> {
          // connect and say nothing
        }
      }
      return s;
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException ignored) {
        // nothing to close
      }
      return null;
    }
  }

  private static int status(HttpClient client, URI uri) {
    try {
      return client
          .send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static long fds(long pid) {
    try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return s.count();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Heap in use after a full GC, from jcmd's GC.heap_info ("used NNNK"). */
  private static long heapAfterGc(long pid) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    run(jcmd.toString(), String.valueOf(pid), "GC.run");
    String info = run(jcmd.toString(), String.valueOf(pid), "GC.heap_info");
    long used = 0;
    for (String line : info.split("\n")) {
      String t = line.trim();
      if (t.contains("used")
          && (t.startsWith("DefNew")
              || t.startsWith("Tenured")
              || t.startsWith("def new")
              || t.startsWith("tenured"))) {
        String[] words = t.split("[ ,]+");
        for (int i = 0; i < words.length - 1; i++) {
          if (words[i].equals("used")) {
            used += Long.parseLong(words[i + 1].replace("K", "")) * 1024;
          }
        }
      }
    }
    return used;
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }
}
