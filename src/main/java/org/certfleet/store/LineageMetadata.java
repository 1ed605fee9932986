package org.certfleet.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What certfleet remembers about a lineage besides its files: renewal attempts and back-off, the CA's
 * ARI window, and which version each node was given. Unknown fields written by a newer certfleet are
 * ignored on read.
 *
 * @param attempts most recent last, bounded to {@link #MAX_ATTEMPTS}
 * @param nextAttemptNotBefore back-off: no renewal attempt before this instant
 * @param deployed node name to what it was given
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LineageMetadata(String name, List<RenewalAttempt> attempts, @Nullable Instant nextAttemptNotBefore,
    @Nullable AriWindow ari, Map<String, Deployed> deployed) {
  public static final int MAX_ATTEMPTS = 20;

  public LineageMetadata {
    Objects.requireNonNull(name, "name");
    attempts = attempts == null ? List.of() : List.copyOf(attempts);
    deployed = deployed == null ? Map.of() : Map.copyOf(deployed);
  }

  public static LineageMetadata empty(String name) {
    return new LineageMetadata(name, List.of(), null, null, Map.of());
  }

  public LineageMetadata withAttempt(RenewalAttempt a) {
    List<RenewalAttempt> all = new ArrayList<>(attempts);
    all.add(a);
    return new LineageMetadata(name, all.subList(Math.max(0, all.size() - MAX_ATTEMPTS), all.size()),
        nextAttemptNotBefore, ari, deployed);
  }

  public LineageMetadata withNextAttemptNotBefore(@Nullable Instant t) {
    return new LineageMetadata(name, attempts, t, ari, deployed);
  }

  public LineageMetadata withAri(@Nullable AriWindow w) {
    return new LineageMetadata(name, attempts, nextAttemptNotBefore, w, deployed);
  }

  public LineageMetadata withDeployed(String node, Deployed d) {
    Map<String, Deployed> all = new LinkedHashMap<>(deployed);
    all.put(node, d);
    return new LineageMetadata(name, attempts, nextAttemptNotBefore, ari, all);
  }

  /** One renewal attempt. {@code step} and {@code error} are null on success. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RenewalAttempt(Instant at, boolean success, @Nullable String step, @Nullable String error) {}

  /** The CA's suggested renewal window (RFC 9773) and when to ask again. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record AriWindow(Instant start, Instant end, @Nullable String explanationUrl, @Nullable Instant retryAfter) {}

  /** A version as deployed to one node. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Deployed(int version, String serial, String sha256, Instant at) {}
}
