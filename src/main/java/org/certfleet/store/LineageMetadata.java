package org.certfleet.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What certfleet remembers about a lineage besides its files: renewal attempts and back-off, the CA's
 * ARI window, and which version each node was given. Stored as {@code meta/<name>.json}; fields a
 * newer certfleet adds are ignored on read, and fields missing from an older file read as empty.
 *
 * @param name the lineage this belongs to; must match the file it is stored in
 * @param attempts most recent last, bounded to {@link #MAX_ATTEMPTS}
 * @param lastFailure the most recent failed attempt, kept even after it drops out of {@code attempts}
 * @param nextAttemptNotBefore back-off: no renewal attempt before this instant
 * @param deployed node name to what it was last given, sorted by node name
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LineageMetadata(String name, List<RenewalAttempt> attempts, @Nullable RenewalAttempt lastFailure,
    @Nullable Instant nextAttemptNotBefore, @Nullable AriWindow ari, Map<String, Deployed> deployed) {
  public static final int MAX_ATTEMPTS = 20;

  public LineageMetadata {
    Objects.requireNonNull(name, "name");
    // Jackson passes null for a field an older file does not have.
    attempts = attempts == null ? List.of() : List.copyOf(attempts);
    deployed = deployed == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(deployed));
  }

  public static LineageMetadata empty(String name) {
    return new LineageMetadata(name, List.of(), null, null, null, Map.of());
  }

  /** Appends {@code a}, dropping the oldest beyond {@link #MAX_ATTEMPTS}; a failure also becomes {@link #lastFailure}. */
  public LineageMetadata withAttempt(RenewalAttempt a) {
    List<RenewalAttempt> all = new ArrayList<>(attempts);
    all.add(a);
    return new LineageMetadata(name, all.subList(Math.max(0, all.size() - MAX_ATTEMPTS), all.size()),
        a.success() ? lastFailure : a, nextAttemptNotBefore, ari, deployed);
  }

  public LineageMetadata withNextAttemptNotBefore(@Nullable Instant t) {
    return new LineageMetadata(name, attempts, lastFailure, t, ari, deployed);
  }

  public LineageMetadata withAri(@Nullable AriWindow w) {
    return new LineageMetadata(name, attempts, lastFailure, nextAttemptNotBefore, w, deployed);
  }

  public LineageMetadata withDeployed(String node, Deployed d) {
    Map<String, Deployed> all = new TreeMap<>(deployed);
    all.put(node, d);
    return new LineageMetadata(name, attempts, lastFailure, nextAttemptNotBefore, ari, all);
  }

  /** Forgets a node, e.g. one removed from certs.yaml. */
  public LineageMetadata withoutDeployed(String node) {
    Map<String, Deployed> all = new TreeMap<>(deployed);
    all.remove(node);
    return new LineageMetadata(name, attempts, lastFailure, nextAttemptNotBefore, ari, all);
  }

  /**
   * One renewal attempt.
   *
   * @param step where it failed (e.g. {@code acme}, {@code store}); null on success
   * @param error the one-line error; null on success
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RenewalAttempt(Instant at, boolean success, @Nullable String step, @Nullable String error) {
    public RenewalAttempt {
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * The CA's suggested renewal window (RFC 9773) for the current version, and when to ask again. It is
   * dropped when a new version is stored, so it never outlives the certificate it was given for.
   *
   * @param explanationUrl the CA's page explaining the window, or null
   * @param retryAfter not before this instant is the CA asked again (its Retry-After, bounded by the
   *     renewal policy); null means at the next run
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record AriWindow(Instant start, Instant end, @Nullable String explanationUrl, @Nullable Instant retryAfter) {
    public AriWindow {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      if (end.isBefore(start)) {
        throw new IllegalArgumentException("ARI window ends (" + end + ") before it starts (" + start + ")");
      }
    }
  }

  /**
   * A version as deployed to one node.
   *
   * @param sha256 lowercase hex fingerprint of the leaf, as in {@link org.certfleet.cert.CertFacts#sha256()}
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Deployed(int version, String serial, String sha256, Instant at) {
    public Deployed {
      Objects.requireNonNull(serial, "serial");
      Objects.requireNonNull(sha256, "sha256");
      Objects.requireNonNull(at, "at");
    }
  }
}
