package net.dhtedge.agent.mqtt;

import java.time.Instant;

/**
 * A device's last retained status from {@code <prefix>/status/<device_id>}.
 *
 * @param deviceId the device (from the topic)
 * @param online whether it said online
 * @param since when the agent received that status (a retained message may be older)
 */
public record DeviceStatus(String deviceId, boolean online, Instant since) {}
