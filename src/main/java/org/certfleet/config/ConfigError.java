package org.certfleet.config;

import java.util.Objects;

/**
 * One problem found in a config file, with where it is.
 *
 * @param line 1-based line, or 0 when the problem has no position (e.g. the file is missing)
 * @param column 1-based column, or 0 when unknown
 * @param path the field, e.g. {@code certificates[1].domains[0]}; empty for the whole file
 */
public record ConfigError(String file, int line, int column, String path, String message) {

  public ConfigError {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  /** {@code certs.yaml:12:7: certificates[1].domains[0]: what is wrong (expected …)}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(file);
    if (line > 0) {
      b.append(':').append(line).append(':').append(column);
    }
    b.append(": ");
    if (!path.isEmpty()) {
      b.append(path).append(": ");
    }
    return b.append(message).toString();
  }
}
