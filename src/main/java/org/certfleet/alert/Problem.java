package org.certfleet.alert;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Something that is wrong right now, as the alert book tracks it from one evaluation to the next.
 *
 * @param key stable across runs for the same problem (an inventory finding's key)
 * @param fingerprint what the problem is about, e.g. the certificate's SHA-256; when it changes under
 *     the same key, the problem counts as new and is alerted again at once
 * @param severity {@code critical}, {@code warning} or {@code info}
 */
public record Problem(String key, @Nullable String fingerprint, String severity, String summary, List<String> lines) {
  public Problem {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(summary, "summary");
    lines = List.copyOf(lines);
  }
}
