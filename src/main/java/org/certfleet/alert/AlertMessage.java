package org.certfleet.alert;

import java.util.List;
import java.util.Objects;

/**
 * One message for the chat channels: a one-line summary and the detail lines under it.
 *
 * @param key a stable identity of what the message is about (e.g. {@code DEPLOY_FAILED:media.hachyderm.io}),
 *     used as the alert name by machine-readable channels
 * @param severity {@code critical}, {@code warning} or {@code info}
 */
public record AlertMessage(String key, String severity, String summary, List<String> lines) {
  public AlertMessage {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(summary, "summary");
    lines = List.copyOf(lines);
  }

  /** Summary and lines as plain text, one per line. */
  public String text() {
    StringBuilder b = new StringBuilder(summary);
    lines.forEach(l -> b.append('\n').append(l));
    return b.toString();
  }
}
