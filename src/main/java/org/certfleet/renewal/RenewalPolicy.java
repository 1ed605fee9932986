package org.certfleet.renewal;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.certfleet.cert.DnsName;
import org.certfleet.config.CertSpec;
import org.certfleet.store.Lineage;
import org.certfleet.store.LineageMetadata;

/**
 * Decides whether a certificate is due. In order: a failure back-off holds until it expires (unless
 * forced); never issued, or its names changed, means now; the CA's ARI window, when known, makes it
 * due at a random moment inside the window; else {@code renew-before} from config; else when a third
 * of the lifetime remains (half for lifetimes of ten days or less, so six-day certificates keep a
 * margin).
 *
 * <p>The moment inside an ARI window is drawn from the seed, the certificate (name and serial) and
 * the window, so it stays put from one run to the next: drawing anew on every run would pull renewals
 * towards the start of the window, which is the load spike ARI exists to spread. Across certificates
 * the moments are uniform over their windows. Stateless and thread-safe.
 */
public final class RenewalPolicy {
  /** Back-off after 1, 2, 3 consecutive failures; capped at a day from then on. */
  static final List<Duration> BACKOFF =
      List.of(Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofMinutes(100), Duration.ofDays(1));
  /** Bounds on the CA's Retry-After for renewalInfo: never poll more often, never trust a window longer. */
  static final Duration ARI_POLL_MIN = Duration.ofMinutes(1);
  static final Duration ARI_POLL_MAX = Duration.ofHours(24);
  /** When the CA sends no Retry-After (RFC 9773 suggests polling a few times a day). */
  static final Duration ARI_POLL_DEFAULT = Duration.ofHours(6);

  private final long seed;

  /** A policy with the fixed seed 0: certificate serials already differ between installations. */
  public RenewalPolicy() {
    this(0L);
  }

  public RenewalPolicy(long seed) {
    this.seed = seed;
  }

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
    LineageMetadata.AriWindow ari = meta.ari();
    if (ari != null) {
      Instant at = renewalMoment(l, ari);
      String window = "the CA's renewal window " + ari.start() + " .. " + ari.end();
      if (!now.isBefore(at)) {
        return new Decision(true, window + " (picked " + at + ")", Optional.empty());
      }
      Instant next = ari.retryAfter() != null && ari.retryAfter().isBefore(at) ? ari.retryAfter() : at;
      return new Decision(false, "due at " + at + ", inside " + window, Optional.of(next));
    }
    Duration lifetime = l.facts().lifetime();
    Duration before = spec.renewBefore() != null ? spec.renewBefore()
        : lifetime.compareTo(Duration.ofDays(10)) <= 0 ? lifetime.dividedBy(2) : lifetime.dividedBy(3);
    Instant dueAt = notAfter.minus(before);
    return now.isBefore(dueAt)
        ? new Decision(false, "valid until " + notAfter + ", due at " + dueAt, Optional.of(dueAt))
        : new Decision(true, "expires " + notAfter + " (due since " + dueAt + ")", Optional.empty());
  }

  /**
   * The moment inside {@code window} at which {@code lineage}'s certificate is renewed: uniform over
   * [start, end), the same on every call for the same seed, certificate and window.
   */
  Instant renewalMoment(Lineage lineage, LineageMetadata.AriWindow window) {
    long span = Duration.between(window.start(), window.end()).toMillis();
    if (span <= 0) {
      return window.start();
    }
    long mix = seed;
    for (Object part : List.of(lineage.name().value(), lineage.facts().serial(), window.start(), window.end())) {
      mix = 31 * mix + part.toString().hashCode();
    }
    return window.start().plusMillis(new SplittableRandom(mix).nextLong(span));
  }

  /**
   * Whether to ask the CA for renewalInfo again: never while backing off (a failing CA is not asked
   * anything), else when no window is known or the time the CA gave has come.
   */
  public boolean renewalInfoDue(LineageMetadata meta, Instant now) {
    if (meta.nextAttemptNotBefore() != null && now.isBefore(meta.nextAttemptNotBefore())) {
      return false;
    }
    return meta.ari() == null || meta.ari().retryAfter() == null || !now.isBefore(meta.ari().retryAfter());
  }

  /**
   * When to ask for renewalInfo next, after asking at {@code now}: the CA's Retry-After, bounded to
   * between {@link #ARI_POLL_MIN} and {@link #ARI_POLL_MAX} from now ({@link #ARI_POLL_DEFAULT} when
   * the CA sent none), so a CA can neither make us hammer it nor silence us for weeks.
   */
  public Instant nextRenewalInfoPoll(Instant now, Optional<Instant> retryAfter) {
    Duration wait = retryAfter.map(t -> Duration.between(now, t)).orElse(ARI_POLL_DEFAULT);
    if (wait.compareTo(ARI_POLL_MIN) < 0) {
      wait = ARI_POLL_MIN;
    } else if (wait.compareTo(ARI_POLL_MAX) > 0) {
      wait = ARI_POLL_MAX;
    }
    return now.plus(wait);
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
