package net.dhtedge.agent.doctor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import net.dhtedge.agent.config.AgentConfig;
import net.dhtedge.agent.config.ConfigException;
import net.dhtedge.agent.config.ConfigProblem;
import net.dhtedge.agent.config.LoadedConfig;

/**
 * Runs every check in a fixed order and collects the findings. The order goes from the machine
 * outwards: Java, configuration, GPIO, the dht11 overlay, clock, disk, data files' permissions, SD
 * writes, broker, TLS, SMTP.
 */
public final class Doctor {

  /** Exit codes of {@code edge-agent doctor}. */
  public static final int EXIT_OK = 0;

  public static final int EXIT_FAILED = 1;
  public static final int EXIT_CONFIG = 2;

  private final DoctorEnv env;

  public Doctor(DoctorEnv env) {
    this.env = env;
  }

  /** What the doctor found, and the exit code it means. */
  public record Report(List<Finding> findings, boolean configError) {

    public Report {
      findings = List.copyOf(findings);
    }

    /** 2 when the configuration is unusable, else 1 when any check failed, else 0. */
    public int exitCode() {
      if (configError) {
        return EXIT_CONFIG;
      }
      return findings.stream().anyMatch(f -> f.status() == Status.FAIL) ? EXIT_FAILED : EXIT_OK;
    }

    /** One line per finding, then a summary line. */
    public String text() {
      StringBuilder sb = new StringBuilder();
      for (Finding f : findings) {
        sb.append(f.format()).append('\n');
      }
      sb.append(count(Status.OK))
          .append(" ok, ")
          .append(count(Status.WARN))
          .append(" warn, ")
          .append(count(Status.FAIL))
          .append(" FAIL")
          .append(configError ? " (configuration unusable: other checks skipped)" : "")
          .append('\n');
      return sb.toString();
    }

    /** {@code {"exit_code":1,"findings":[{"status":"FAIL","check":..,"message":..,"fix":..}]}}. */
    public String json() {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      root.put("exit_code", exitCode());
      ArrayNode list = root.putArray("findings");
      for (Finding f : findings) {
        ObjectNode n = list.addObject();
        n.put("status", f.status().label());
        n.put("check", f.check());
        n.put("message", f.message());
        n.put("fix", f.fix());
      }
      try {
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a tree of strings always serialises", e);
      }
    }

    private long count(Status s) {
      return findings.stream().filter(f -> f.status() == s).count();
    }
  }

  /** The checks that need the configuration, in report order. */
  public List<Check> checks() {
    return List.of(
        new GpioCheck(env),
        new OverlayCheck(env),
        new ClockCheck(env),
        new DiskCheck(env),
        new FilesCheck(env),
        new SdWriteCheck(env),
        new BrokerCheck(env),
        new TlsCheck(env),
        new SmtpCheck(env));
  }

  /** Runs everything with a configuration that loaded (its warnings become warn lines). */
  public Report examine(LoadedConfig loaded) {
    List<Finding> out = new ArrayList<>(runSafely(new JavaCheck(env), loaded.config()));
    String source = loaded.source().map(Object::toString).orElse("built-in defaults");
    out.add(Finding.ok("config", source + ": valid"));
    for (ConfigProblem w : loaded.warnings()) {
      out.add(Finding.warn("config", w.format(), "edit the file; docs/configuration.md"));
    }
    for (Check c : checks()) {
      out.addAll(runSafely(c, loaded.config()));
    }
    return new Report(out, false);
  }

  /** The configuration could not be used: Java, then every problem; exit code 2. */
  public Report examine(ConfigException problems) {
    List<Finding> out = new ArrayList<>(runSafely(new JavaCheck(env), null));
    for (ConfigProblem p : problems.problems()) {
      out.add(
          new Finding(
              p.isError() ? Status.FAIL : Status.WARN,
              "config",
              p.format(),
              "edit the file; `edge-agent config check` shows the same, docs/configuration.md"));
    }
    return new Report(out, true);
  }

  /** A bug in a check must not hide the other checks' results. */
  private static List<Finding> runSafely(Check c, AgentConfig config) {
    try {
      return c.run(config);
    } catch (RuntimeException e) {
      return List.of(
          Finding.fail(
              c.name(),
              "the check itself failed: " + e,
              "report this; the other checks are still valid"));
    }
  }
}
