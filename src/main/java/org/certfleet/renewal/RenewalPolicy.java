package org.certfleet.renewal;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.certfleet.cert.DnsName;
import org.certfleet.config.CertSpec;
import org.certfleet.store.Lineage;
import org.certfleet.store.LineageMetadata;

/**
 * Decides whether a certificate is due. In order: a failure back-off holds until it expires (unless
 * forced); never issued, or its names changed, means now; the CA's ARI window, when known, starts it;
 * else {@code renew-before} from config; else when a third of the lifetime remains (half for lifetimes
 * of ten days or less, so six-day certificates keep a margin).
 */
public final class RenewalPolicy {
  /** Back-off after 1, 2, 3 consecutive failures; capped at a day from then on. */
  static final List<Duration> BACKOFF =
      List.of(Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofMinutes(100), Duration.ofDays(1));

  /** Whether to renew, why, and (when not) the earliest time it will be due. */
  public record Decision(boolean due, String reason, Optional<Instant> nextCheck) {}

  public Decision decide(CertSpec spec, Optional<Lineage> lineage, LineageMetadata meta, Instant now, boolean force) {
    // Back-off comes first: a certificate that keeps failing must not hit the CA on every run, issued or not.
    if (!force && meta.nextAttemptNotBefore() != null && now.isBefore(meta.nextAttemptNotBefore())) {
      return new Decision(false, "backing off after " + consecutiveFailures(meta) + " failure(s) until "
          + meta.nextAttemptNotBefore(), Optional.of(meta.nextAttemptNotBefore()));
    }
    if (lineage.isEmpty()) {
      return new Decision(true, "not issued yet", Optional.empty());
    }
    Lineage l = lineage.get();
    var wanted = new HashSet<>(spec.names().stream().map(DnsName::value).toList());
    if (!wanted.equals(new HashSet<>(l.facts().sans()))) {
      return new Decision(true, "names changed (" + String.join(", ", l.facts().sans()) + " -> " + String.join(", ", wanted) + ")",
          Optional.empty());
    }
    if (force) {
      return new Decision(true, "forced", Optional.empty());
    }
    Instant notAfter = l.facts().notAfter();
    if (!now.isBefore(notAfter)) {
      return new Decision(true, "expired at " + notAfter, Optional.empty());
    }
    if (meta.ari() != null && meta.ari().end().isAfter(now.minus(Duration.ofDays(1)))) {
      Instant start = meta.ari().start();
      return now.isBefore(start)
          ? new Decision(false, "inside the CA's renewal window from " + start, Optional.of(start))
          : new Decision(true, "the CA's renewal window opened at " + start, Optional.empty());
    }
    Duration lifetime = l.facts().lifetime();
    Duration before = spec.renewBefore() != null ? spec.renewBefore()
        : lifetime.compareTo(Duration.ofDays(10)) <= 0 ? lifetime.dividedBy(2) : lifetime.dividedBy(3);
    Instant dueAt = notAfter.minus(before);
    return now.isBefore(dueAt)
        ? new Decision(false, "valid until " + notAfter + ", due at " + dueAt, Optional.of(dueAt))
        : new Decision(true, "expires " + notAfter + " (due since " + dueAt + ")", Optional.empty());
  }

  /** When to try again after this failure, given the CA's Retry-After if it sent one. */
  public Instant backoffAfterFailure(LineageMetadata meta, Instant now, Optional<Instant> retryAfter) {
    int failures = consecutiveFailures(meta);
    Duration wait = BACKOFF.get(Math.min(Math.max(failures, 1), BACKOFF.size()) - 1);
    Instant next = now.plus(wait);
    return retryAfter.filter(next::isBefore).orElse(next);
  }

  static int consecutiveFailures(LineageMetadata meta) {
    int n = 0;
    for (int i = meta.attempts().size() - 1; i >= 0 && !meta.attempts().get(i).success(); i--) {
      n++;
    }
    return n;
  }
}
