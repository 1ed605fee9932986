package org.certfleet.alert;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One message for the chat channels: a one-line summary and the detail lines under it.
 *
 * @param id this message's own identity: the same for every attempt to deliver it, also across runs when
 *     it waits in the outbox, and different for a later message about the same {@code key}. Channels
 *     with idempotent sends derive their transaction ids / idempotency keys from it (plus the part
 *     number when a message is split), so a retried delivery is never shown twice.
 * @param key a stable identity of what the message is about (e.g. {@code DEPLOY_FAILED:media.hachyderm.io}),
 *     used as the alert name by machine-readable channels
 * @param severity {@code critical}, {@code warning} or {@code info}
 * @param resolved true when the message says that the problem under {@code key} has cleared
 */
public record AlertMessage(String id, String key, String severity, String summary, List<String> lines, boolean resolved) {
  public AlertMessage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(summary, "summary");
    lines = List.copyOf(lines);
  }

  /** A message with a new random {@link #id()}, about a problem that is open. */
  public AlertMessage(String key, String severity, String summary, List<String> lines) {
    this(UUID.randomUUID().toString(), key, severity, summary, lines, false);
  }

  /** A message about a problem that is open. */
  public AlertMessage(String id, String key, String severity, String summary, List<String> lines) {
    this(id, key, severity, summary, lines, false);
  }

  /** Summary and lines as plain text, one per line. */
  public String text() {
    StringBuilder b = new StringBuilder(summary);
    lines.forEach(l -> b.append('\n').append(l));
    return b.toString();
  }

  /**
   * The transaction id / idempotency key of part {@code part} (1-based) of this message:
   * {@code certfleet-<first 32 hex digits of SHA-256(id)>-<part>}. The same for every attempt and every
   * run that sends this id, different for another id or part; only {@code [0-9a-z-]}, so it is safe in
   * a URL path segment and a header whatever the id looks like.
   */
  String partKey(int part) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return "certfleet-" + HexFormat.of().formatHex(h, 0, 16) + "-" + part;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
