package org.certfleet.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One change on a node.
 *
 * @param action what was done, e.g. {@code upload}, {@code switch}, {@code command}, {@code rollback}
 * @param file the path on the node, when the action is about a file
 * @param from what was there before (serial and SHA-256 of a certificate, or a link target)
 * @param to what is there after
 * @param command the command run, when the action ran one
 * @param result {@code ok} or what went wrong, on one line
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEntry(
    Instant time,
    String action,
    String cert,
    String node,
    @Nullable String file,
    @Nullable String from,
    @Nullable String to,
    @Nullable String command,
    String result) {

  public AuditEntry {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(cert, "cert");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(result, "result");
  }
}
