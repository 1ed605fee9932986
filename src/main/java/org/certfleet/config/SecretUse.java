package org.certfleet.config;

/**
 * Where a secret reference appears in the config, so {@code check --resolve-secrets} can point at it.
 */
public record SecretUse(String file, int line, int column, String path, SecretRef ref) {

  /** An error at this reference's position. */
  public ConfigError error(String message) {
    return new ConfigError(file, line, column, path, message);
  }
}
