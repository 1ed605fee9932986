package org.certfleet.renewal;

import java.time.Duration;
import org.certfleet.cert.CertName;
import org.jspecify.annotations.Nullable;

/**
 * What happened to one certificate in a run.
 *
 * @param version the version now live, when renewed
 * @param step where it failed, when it failed
 */
public record Outcome(CertName name, Kind kind, String detail, int version, @Nullable String step, Duration took) {

  /** Renewed, skipped (not due, or dry run), or failed. */
  public enum Kind {
    RENEWED,
    SKIPPED,
    FAILED
  }
}
