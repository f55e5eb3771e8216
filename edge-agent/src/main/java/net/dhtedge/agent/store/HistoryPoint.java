package net.dhtedge.agent.store;

import java.time.Instant;

/**
 * One point of a history query: a raw reading (count 1, min = max = avg) or an aggregate bucket
 * starting at {@code ts}.
 */
public record HistoryPoint(
    Instant ts,
    long count,
    double temperatureMin,
    double temperatureMax,
    double temperatureAvg,
    double humidityMin,
    double humidityMax,
    double humidityAvg) {}
