package org.certfleet.config;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One option a plugin (DNS provider, alert channel) accepts under its {@code options:} map.
 *
 * <p>Plugins describe themselves with these; the same list drives config validation, {@code --help}
 * text and the generated docs. A {@code secret} option must be written as a secret reference
 * ({@code ${env:NAME}} or {@code ${file:/path}}) and is never shown resolved.
 *
 * @param defaultValue the value used when the option is absent, or null when there is none
 */
public record OptionSpec(
    String name, boolean required, boolean secret, @Nullable String defaultValue, String description) {

  public OptionSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
  }

  public static OptionSpec required(String name, String description) {
    return new OptionSpec(name, true, false, null, description);
  }

  public static OptionSpec requiredSecret(String name, String description) {
    return new OptionSpec(name, true, true, null, description);
  }

  public static OptionSpec optional(String name, @Nullable String defaultValue, String description) {
    return new OptionSpec(name, false, false, defaultValue, description);
  }

  public static OptionSpec optionalSecret(String name, String description) {
    return new OptionSpec(name, false, true, null, description);
  }
}
