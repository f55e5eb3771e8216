package net.dhtedge.agent.homeassistant;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import net.dhtedge.agent.config.Section;
import net.dhtedge.agent.contract.Topics;

/**
 * Home Assistant MQTT discovery: the {@code homeassistant:} section of the config file ({@code
 * discovery}, {@code prefix}), read by {@link #bind}, plus what the agent knows only when it starts
 * (its topics, version and sensors), which the wiring fills in with {@code Records.with}. {@link
 * #bind} writes every default once; {@link #defaults()} is that bind of an empty section.
 *
 * @param discovery {@code homeassistant.discovery}: publish discovery messages so Home Assistant
 *     creates the entities
 * @param discoveryPrefix {@code homeassistant.prefix}: Home Assistant's discovery prefix (default
 *     {@code homeassistant})
 * @param topics the agent's contract topics (for the state and status topics); the contract's
 *     default prefix until the agent sets its own
 * @param version the agent version, shown as the device's software version (empty until set)
 * @param localDevices the agent's own sensors: device id to model ({@code DHT11}, {@code DHT22})
 * @param localExpireAfter per local device: Home Assistant marks a value unavailable when no new
 *     one came within this time (a few read intervals)
 * @param remoteExpireAfter the same for devices seen via ingest (their interval is not known)
 * @param keepRemote a device seen via ingest stays announced this long after its last reading; at
 *     start-up older ones are removed from Home Assistant
 * @param stateInterval at most one state per device per this interval goes to Home Assistant (the
 *     newest one)
 */
public record DiscoveryOptions(
    boolean discovery,
    String discoveryPrefix,
    Topics topics,
    String version,
    Map<String, String> localDevices,
    Map<String, Duration> localExpireAfter,
    Duration remoteExpireAfter,
    Duration keepRemote,
    Duration stateInterval) {

  /** The {@code homeassistant:} section. */
  public static DiscoveryOptions bind(Section s) {
    return new DiscoveryOptions(
        s.bool("discovery", true),
        s.topicPrefix("prefix", "homeassistant"),
        new Topics(Topics.DEFAULT_PREFIX), // the agent's, set at start-up
        "", // version, set at start-up
        Map.of(), // localDevices, set at start-up
        Map.of(), // localExpireAfter, set at start-up
        Duration.ofMinutes(5), // remoteExpireAfter
        Duration.ofDays(7), // keepRemote
        // One state per device per second: Home Assistant records every state it is sent, and a
        // device read every 2 s or slower is not slowed down by it.
        Duration.ofSeconds(1));
  }

  /** {@link #bind} of an empty section. */
  public static DiscoveryOptions defaults() {
    return Section.defaults(DiscoveryOptions::bind);
  }

  public DiscoveryOptions {
    Objects.requireNonNull(discoveryPrefix, "discoveryPrefix");
    if (discoveryPrefix.isEmpty() || discoveryPrefix.matches(".*[#+\\s].*")) {
      throw new IllegalArgumentException(
          "homeassistant: bad discovery prefix '" + discoveryPrefix + "'");
    }
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(version, "version");
    localDevices = Map.copyOf(localDevices);
    localExpireAfter = Map.copyOf(localExpireAfter);
    Objects.requireNonNull(remoteExpireAfter, "remoteExpireAfter");
    Objects.requireNonNull(keepRemote, "keepRemote");
    Objects.requireNonNull(stateInterval, "stateInterval");
    if (stateInterval.isNegative()) {
      throw new IllegalArgumentException("homeassistant: state interval must be >= 0");
    }
  }

  /** {@code <discovery_prefix>/status}: Home Assistant's birth and last-will messages. */
  public String haStatusTopic() {
    return discoveryPrefix + "/status";
  }

  /** {@code <prefix>/sensor/<device_id>/state}: this device's readings for Home Assistant. */
  public String stateTopic(String deviceId) {
    return topics.prefix() + "/sensor/" + deviceId + "/state";
  }

  public Duration expireAfter(String deviceId) {
    return localExpireAfter.getOrDefault(deviceId, remoteExpireAfter);
  }
}
