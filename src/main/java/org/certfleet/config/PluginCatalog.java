package org.certfleet.config;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The plugin types of one family (DNS providers, alert channels) and the options each accepts.
 *
 * <p>Config validation asks this instead of depending on the plugin packages, which keeps {@code
 * config} at the bottom of the dependency graph. Registries in the plugin packages implement it and
 * are handed to the loader by {@code Main}.
 */
public interface PluginCatalog {

  /** The family's name as used in error messages, e.g. {@code "DNS provider"}. */
  String family();

  /** Every accepted type id, aliases included. */
  Set<String> types();

  /** The options of {@code type}, or empty when the type is unknown. */
  Optional<List<OptionSpec>> options(String type);
}
