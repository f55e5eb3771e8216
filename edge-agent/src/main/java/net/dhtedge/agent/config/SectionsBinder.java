package net.dhtedge.agent.config;

import java.nio.file.Path;

/** Reads the {@code agent:} section. */
final class SectionsBinder {

  private final BindContext ctx;

  SectionsBinder(BindContext ctx) {
    this.ctx = ctx;
  }

  AgentSettings agent(Section root) {
    Section s = root.child("agent");
    Path dataDir = Values.path(s, "data_dir", s.text("data_dir", "./data"));
    String name = s.text("name", ctx.defaultName());
    Values.checkDeviceId(s, "name", name);
    AgentSettings.LogLevel level =
        s.choice("log_level", AgentSettings.LogLevel.INFO, AgentSettings.LogLevel.class);
    return new AgentSettings(dataDir == null ? Path.of("./data") : dataDir, name, level);
  }
}
