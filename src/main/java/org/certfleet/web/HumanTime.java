package org.certfleet.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Times as people read them on the page and in probe replies: UTC to the second, ages rounded down. */
final class HumanTime {
  private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
      .withZone(ZoneOffset.UTC);

  private HumanTime() {}

  /** E.g. {@code 2026-11-22 10:00:00Z}. */
  static String instant(Instant t) {
    return UTC.format(t);
  }

  /** E.g. {@code 45 s}, {@code 12 min}, {@code 2 h 5 min}, {@code 3 d}; the sign is dropped. */
  static String duration(Duration d) {
    long s = d.abs().getSeconds();
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return s / 60 + " min";
    }
    if (s < 48 * 3600) {
      long min = s / 60 % 60;
      return s / 3600 + " h" + (min == 0 ? "" : " " + min + " min");
    }
    return s / 86400 + " d";
  }

  /** E.g. {@code 5 min ago} or {@code in 2 h}. */
  static String relative(Instant now, Instant t) {
    Duration d = Duration.between(now, t);
    return d.isNegative() ? duration(d) + " ago" : "in " + duration(d);
  }
}
