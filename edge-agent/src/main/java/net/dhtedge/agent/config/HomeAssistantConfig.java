package net.dhtedge.agent.config;

import java.util.Objects;

/**
 * The {@code homeassistant:} section.
 *
 * @param discovery publish MQTT discovery messages so Home Assistant creates the entities
 * @param prefix Home Assistant's discovery prefix
 */
public record HomeAssistantConfig(boolean discovery, String prefix) {

  public static final HomeAssistantConfig DEFAULTS = new HomeAssistantConfig(true, "homeassistant");

  public HomeAssistantConfig {
    Objects.requireNonNull(prefix, "prefix");
  }
}
