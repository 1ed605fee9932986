package org.certfleet.web;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One scheduled job as the status page shows it.
 *
 * @param lastRun when it last started, null when it has not run since the daemon started
 * @param lastOutcome one line about how that run ended, e.g. {@code ok} or {@code 2 of 5 nodes failed}
 * @param nextRun when it fires next, null when it will not (paused, or the scheduler is stopped)
 */
public record JobStatus(String name, @Nullable Instant lastRun, @Nullable String lastOutcome,
    @Nullable Instant nextRun) {
  public JobStatus {
    Objects.requireNonNull(name, "name");
  }
}
