package org.certfleet.config;

import java.time.ZoneId;
import java.util.Objects;

/**
 * The daemon's Quartz cron expressions (seconds field first), evaluated in {@code timeZone}.
 */
public record ScheduleConfig(ZoneId timeZone, String renewalCheck, String inventoryScan, String report) {
  public static final String DEFAULT_RENEWAL_CHECK = "0 0 */6 * * ?";
  public static final String DEFAULT_INVENTORY_SCAN = "0 0 * * * ?";
  public static final String DEFAULT_REPORT = "0 0 9 ? * MON";

  public ScheduleConfig {
    Objects.requireNonNull(timeZone, "timeZone");
    Objects.requireNonNull(renewalCheck, "renewalCheck");
    Objects.requireNonNull(inventoryScan, "inventoryScan");
    Objects.requireNonNull(report, "report");
  }
}
