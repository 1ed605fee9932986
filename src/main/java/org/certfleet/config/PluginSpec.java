package org.certfleet.config;

import java.util.Map;
import java.util.Objects;

/**
 * One configured plugin instance (a DNS provider or an alert channel).
 *
 * @param options option name to the text as written; secret options hold the reference text (e.g.
 *     {@code ${env:TOKEN}}), which the plugin resolves with {@link SecretResolver} when it needs it
 */
public record PluginSpec(String name, String type, Map<String, String> options) {
  public PluginSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    options = Map.copyOf(options);
  }
}
