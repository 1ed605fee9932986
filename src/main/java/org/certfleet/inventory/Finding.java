package org.certfleet.inventory;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One problem.
 *
 * @param key stable across runs for the same problem: {@code TYPE:cert[:node[:name]]}; alert state is
 *     kept by it
 * @param sha256 the certificate the finding is about, when there is one: a new certificate under the
 *     same key is a new problem
 */
public record Finding(
    FindingType type,
    String key,
    String cert,
    @Nullable String node,
    @Nullable String name,
    String message,
    @Nullable String sha256) {

  public Finding {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(cert, "cert");
    Objects.requireNonNull(message, "message");
  }

  static Finding of(FindingType type, String cert, @Nullable String node, @Nullable String name, String message,
      @Nullable String sha256) {
    StringBuilder key = new StringBuilder(type.name()).append(':').append(cert);
    if (node != null) {
      key.append(':').append(node);
    }
    if (name != null) {
      key.append(':').append(name);
    }
    return new Finding(type, key.toString(), cert, node, name, message, sha256);
  }

  public Severity severity() {
    return type.severity();
  }
}
