package org.certfleet;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.certfleet.config.OptionSpec;
import org.certfleet.config.PluginCatalog;
import org.certfleet.time.Sleeper;

/** Builds the explicit plugin registries. */
final class Plugins {
  private Plugins() {}

  static PluginCatalog dnsProviders(Clock clock, Sleeper sleeper) {
    return new PluginCatalog() {
      @Override
      public String family() {
        return "DNS provider";
      }

      @Override
      public Set<String> types() {
        return Set.of();
      }

      @Override
      public Optional<List<OptionSpec>> options(String type) {
        return Optional.empty();
      }
    };
  }
}
