package net.dhtedge.agent.http;

import java.time.Duration;

/** HTML escaping and small formatting helpers for the status page. */
final class Html {
  private Html() {}

  /** Escapes text for element content and quoted attribute values. */
  static String esc(Object o) {
    if (o == null) {
      return "";
    }
    String s = o.toString();
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** "42 s", "5 min", "3 h", "2 d". */
  static String age(Duration d) {
    if (d == null) {
      return "never";
    }
    long s = Math.max(0, d.toSeconds());
    if (s < 120) {
      return s + " s";
    }
    if (s < 7200) {
      return (s / 60) + " min";
    }
    if (s < 172800) {
      return (s / 3600) + " h";
    }
    return (s / 86400) + " d";
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024 * 1024) {
      return String.format(java.util.Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
    if (n < 1024L * 1024 * 1024) {
      return String.format(java.util.Locale.ROOT, "%.1f MiB", n / 1048576.0);
    }
    return String.format(java.util.Locale.ROOT, "%.2f GiB", n / 1073741824.0);
  }

  static String days(Duration d) {
    return d.toHours() % 24 == 0 ? d.toDays() + " d" : d.toHours() + " h";
  }

  static String num(Double v, String unit) {
    return v == null ? "–" : String.format(java.util.Locale.ROOT, "%.1f %s", v, unit);
  }
}
