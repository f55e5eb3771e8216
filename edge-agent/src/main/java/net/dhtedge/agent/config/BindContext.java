package net.dhtedge.agent.config;

import java.util.function.Function;

/**
 * What the section readers share while one file is read.
 *
 * @param problems where errors and warnings go
 * @param env environment lookup (a seam: tests pass a map)
 * @param defaultName the agent name to use when {@code agent.name} is not set
 * @param sourceShared the config file is readable by group or others (inline secrets then warn)
 */
record BindContext(
    Problems problems, Function<String, String> env, String defaultName, boolean sourceShared) {}
