package org.certfleet.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code daemon:} section.
 *
 * @param listenHost IP literal the status server binds (default loopback: metrics and the status page
 *     are for the operator's scraper and tunnel, not the internet)
 * @param stopTimeout how long SIGTERM waits for running jobs to reach their end before exiting anyway
 * @param readyWithin {@code /readyz} is ready while the last monitoring cycle finished OK this recently
 */
public record DaemonConfig(String listenHost, int listenPort, Duration stopTimeout, Duration readyWithin) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 9464;
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofMinutes(2);
  public static final Duration DEFAULT_READY_WITHIN = Duration.ofHours(2);

  public DaemonConfig {
    Objects.requireNonNull(listenHost, "listenHost");
    Objects.requireNonNull(stopTimeout, "stopTimeout");
    Objects.requireNonNull(readyWithin, "readyWithin");
  }

  public static DaemonConfig defaults() {
    return new DaemonConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_STOP_TIMEOUT, DEFAULT_READY_WITHIN);
  }
}
