package org.certfleet.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** A fixed catalog; {@code types} keeps its iteration order. */
  static PluginCatalog of(String family, Map<String, List<OptionSpec>> types) {
    Map<String, List<OptionSpec>> copy = new LinkedHashMap<>(types);
    return new PluginCatalog() {
      @Override
      public String family() {
        return family;
      }

      @Override
      public Set<String> types() {
        return copy.keySet();
      }

      @Override
      public Optional<List<OptionSpec>> options(String type) {
        return Optional.ofNullable(copy.get(type));
      }
    };
  }
}
