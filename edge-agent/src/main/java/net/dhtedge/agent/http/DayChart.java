package net.dhtedge.agent.http;

import static net.dhtedge.agent.http.Html.esc;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import net.dhtedge.agent.store.HistoryPoint;

/**
 * The status page's small 24 h chart of one device: the store's 1-minute aggregates drawn as inline
 * SVG (no script, no external asset), temperature and humidity in two panes of their own so the
 * lines never sit on each other. The x axis counts minutes from the start of the window ({@code
 * viewBox} 0..1440), so a point's x is exactly its minute; each pane's y axis spans the lowest
 * minimum to the highest maximum of the window, both printed beside it. A gap longer than {@link
 * #gap} breaks the line rather than drawing a value nobody measured.
 */
final class DayChart {
  /** The window the chart shows. */
  static final Duration SPAN = Duration.ofHours(24);

  static final int MINUTES = (int) SPAN.toMinutes();

  /** Pane height in viewBox units (0 at the top). */
  static final int HEIGHT = 100;

  private DayChart() {}

  /**
   * The longest stretch without a point that is still drawn as a line: three expected intervals, at
   * least 10 minutes (a minute aggregate per reading of a slow device is not a gap).
   */
  static Duration gap(Duration expectedInterval) {
    Duration three = expectedInterval.multipliedBy(DeviceView.STALE_INTERVALS);
    return three.compareTo(Duration.ofMinutes(10)) > 0 ? three : Duration.ofMinutes(10);
  }

  /**
   * Appends a {@code <figure>} for {@code d}: {@code points} are its 1-minute aggregates in {@code
   * [to - SPAN, to)}, oldest first.
   */
  static void render(StringBuilder h, DeviceView d, List<HistoryPoint> points, Instant to) {
    Instant from = to.minus(SPAN);
    h.append("<figure class=\"day\" id=\"chart-")
        .append(esc(d.id()))
        .append("\" data-device=\"")
        .append(esc(d.id()))
        .append("\" data-points=\"")
        .append(points.size())
        .append("\" data-from=\"")
        .append(from.toEpochMilli())
        .append("\" data-to=\"")
        .append(to.toEpochMilli())
        .append("\"><figcaption>")
        .append(esc(d.id()))
        .append(" <small class=\"muted\">")
        .append(
            points.isEmpty()
                ? "no reading in 24 h"
                : points.size() + (points.size() == 1 ? " minute" : " minutes") + " with readings")
        .append("</small></figcaption>");
    if (!points.isEmpty()) {
      long gapMin = Math.max(1, gap(d.expectedInterval()).toMinutes());
      pane(
          h,
          "t",
          "°C",
          points,
          from,
          gapMin,
          HistoryPoint::temperatureMin,
          HistoryPoint::temperatureMax,
          HistoryPoint::temperatureAvg);
      pane(
          h,
          "h",
          "%RH",
          points,
          from,
          gapMin,
          HistoryPoint::humidityMin,
          HistoryPoint::humidityMax,
          HistoryPoint::humidityAvg);
      h.append("<div class=\"axis muted\"><span>24 h ago</span><span>12 h</span>")
          .append("<span>now</span></div>");
    }
    h.append("</figure>");
  }

  private static void pane(
      StringBuilder h,
      String cls,
      String unit,
      List<HistoryPoint> points,
      Instant from,
      long gapMin,
      ToDoubleFunction<HistoryPoint> min,
      ToDoubleFunction<HistoryPoint> max,
      ToDoubleFunction<HistoryPoint> avg) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (HistoryPoint p : points) {
      lo = Math.min(lo, min.applyAsDouble(p));
      hi = Math.max(hi, max.applyAsDouble(p));
    }
    // A flat line sits in the middle of its pane, not on an edge.
    double bottom = hi - lo < 0.1 ? lo - 0.5 : lo;
    double top = hi - lo < 0.1 ? hi + 0.5 : hi;
    StringBuilder path = new StringBuilder(points.size() * 12);
    long fromMs = from.toEpochMilli();
    long prev = Long.MIN_VALUE;
    int inSegment = 0;
    for (HistoryPoint p : points) {
      // The store's first bucket may start up to a minute before the window: it is minute 0.
      long x = Math.max(0, Math.floorDiv(p.ts().toEpochMilli() - fromMs, 60_000L));
      double y = HEIGHT * (top - avg.applyAsDouble(p)) / (top - bottom);
      boolean joined = prev != Long.MIN_VALUE && x - prev <= gapMin;
      if (!joined) {
        dotIfAlone(path, inSegment);
        inSegment = 0;
      }
      path.append(joined ? "L" : (path.isEmpty() ? "M" : " M"))
          .append(x)
          .append(',')
          .append(String.format(Locale.ROOT, "%.1f", y));
      inSegment++;
      prev = x;
    }
    dotIfAlone(path, inSegment);
    h.append("<div class=\"pane ")
        .append(cls)
        .append("\"><span class=\"range\"><b class=\"max\">")
        .append(String.format(Locale.ROOT, "%.1f", hi))
        .append("</b><span class=\"unit\">")
        .append(unit)
        .append("</span><b class=\"min\">")
        .append(String.format(Locale.ROOT, "%.1f", lo))
        .append("</b></span><svg viewBox=\"0 0 ")
        .append(MINUTES)
        .append(' ')
        .append(HEIGHT)
        .append("\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"")
        .append(cls.equals("t") ? "temperature" : "humidity")
        .append(", last 24 h\"><path d=\"")
        .append(path)
        .append("\"/></svg></div>");
  }

  /** A segment of one point draws nothing by itself: a zero-length line with round caps, a dot. */
  private static void dotIfAlone(StringBuilder path, int inSegment) {
    if (inSegment == 1) {
      path.append("h0");
    }
  }
}
