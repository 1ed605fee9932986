package org.certfleet.testing;

import java.util.List;
import java.util.Map;
import org.certfleet.config.OptionSpec;
import org.certfleet.config.PluginCatalog;

/** A fixed plugin catalog for config tests, independent of the real provider registries. */
public final class TestCatalogs {
  private TestCatalogs() {}

  public static PluginCatalog dns() {
    return of("DNS provider", Map.of(
        "rfc2136", List.of(
            OptionSpec.required("server", "host:port of the primary"),
            OptionSpec.required("tsig-key-name", "key name"),
            OptionSpec.optional("tsig-algorithm", "hmac-sha256", "algorithm"),
            OptionSpec.requiredSecret("tsig-secret", "base64 secret")),
        "exec", List.of(OptionSpec.required("command", "program to run"))));
  }

  public static PluginCatalog channels() {
    return of("alert channel", Map.of(
        "discord", List.of(OptionSpec.requiredSecret("webhook-url", "webhook URL"))));
  }

  private static PluginCatalog of(String family, Map<String, List<OptionSpec>> types) {
    return PluginCatalog.of(family, new java.util.TreeMap<>(types));
  }
}
