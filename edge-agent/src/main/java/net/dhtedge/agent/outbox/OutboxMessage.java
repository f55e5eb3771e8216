package net.dhtedge.agent.outbox;

import java.time.Instant;

/**
 * One message waiting to be published, as stored in the outbox (model after Kura's data store).
 *
 * @param id the outbox's own id; increasing in the order messages were queued
 * @param topic full MQTT topic
 * @param payload the bytes to publish (UTF-8 JSON for the contract topics)
 * @param qos 0 or 1
 * @param retained whether the broker should retain it
 * @param priority lower number = more important; alerts and incidents are exempt from the cap
 * @param created when it was queued
 */
public record OutboxMessage(
    long id,
    String topic,
    byte[] payload,
    int qos,
    boolean retained,
    int priority,
    Instant created) {}
