package net.dhtedge.agent.store;

/** Rows deleted by one housekeeping run. */
public record HousekeepingResult(
    long readings,
    long readFailures,
    long minuteAggregates,
    long hourAggregates,
    long outbox,
    long mails) {}
