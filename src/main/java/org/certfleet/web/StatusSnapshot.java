package org.certfleet.web;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.certfleet.audit.AuditEntry;
import org.certfleet.inventory.InventoryReport;
import org.jspecify.annotations.Nullable;

/**
 * The daemon's state at one moment, as the probes and the status page see it. Holds names, times and
 * outcomes only; keep it that way, since all of it is shown to whoever can reach the status port.
 *
 * @param now the daemon's clock at the time of the snapshot; every age on the page is relative to it
 * @param degraded why the daemon works only partly (e.g. {@code database unreachable}), null when it is fine
 * @param lastCycleStarted when the last renew/deploy/inventory cycle started, null before the first
 * @param lastCycleFinished when the last cycle finished, null before the first; older than {@code
 *     lastCycleStarted} while a cycle runs
 * @param lastCycleOk whether the cycle that finished at {@code lastCycleFinished} succeeded
 * @param readyWithin {@code /readyz} answers ready while the last cycle succeeded and finished at most this
 *     long before {@code now}
 * @param inventory the latest inventory, null before the first
 * @param recentAudit recent changes on nodes, in any order (the page sorts them newest first)
 */
public record StatusSnapshot(
    Instant now,
    boolean schedulerRunning,
    @Nullable String degraded,
    @Nullable Instant lastCycleStarted,
    @Nullable Instant lastCycleFinished,
    boolean lastCycleOk,
    Duration readyWithin,
    @Nullable InventoryReport inventory,
    List<JobStatus> jobs,
    List<AuditEntry> recentAudit) {

  public StatusSnapshot {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(readyWithin, "readyWithin");
    if (readyWithin.isNegative() || readyWithin.isZero()) {
      throw new IllegalArgumentException("readyWithin (" + readyWithin + ") must be positive");
    }
    jobs = List.copyOf(jobs);
    recentAudit = List.copyOf(recentAudit);
  }

  /** Why {@code /readyz} answers not ready, or null when it is ready. */
  public @Nullable String notReadyBecause() {
    if (lastCycleFinished == null) {
      return "no cycle has finished since the daemon started";
    }
    if (!lastCycleOk) {
      return "the last cycle failed (finished " + HumanTime.instant(lastCycleFinished) + ")";
    }
    Duration age = Duration.between(lastCycleFinished, now);
    if (age.compareTo(readyWithin) > 0) {
      return "the last successful cycle finished " + HumanTime.instant(lastCycleFinished) + ", "
          + HumanTime.duration(age) + " ago, more than the " + HumanTime.duration(readyWithin) + " allowed";
    }
    return null;
  }
}
