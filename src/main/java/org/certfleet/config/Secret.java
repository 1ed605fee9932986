package org.certfleet.config;

import java.util.Objects;

/**
 * A resolved secret value. {@link #toString()} is redacted so that a secret passed into a log line,
 * an exception message or a record's string form never shows its value; call {@link #reveal()} only
 * at the point where the value is handed to the protocol that needs it.
 */
public final class Secret {
  private final String value;
  private final SecretRef source;

  public Secret(String value, SecretRef source) {
    this.value = Objects.requireNonNull(value, "value");
    this.source = Objects.requireNonNull(source, "source");
  }

  public String reveal() {
    return value;
  }

  /** The reference it was resolved from, safe to show. */
  public SecretRef source() {
    return source;
  }

  @Override
  public String toString() {
    return "***(" + source + ")";
  }
}
