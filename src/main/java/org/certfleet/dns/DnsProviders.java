package org.certfleet.dns;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.certfleet.config.OptionSpec;
import org.certfleet.config.PluginCatalog;
import org.certfleet.config.PluginSpec;
import org.certfleet.config.SecretResolver;

/**
 * The explicit registry of DNS provider types, built in {@code Main}. Also the catalog config
 * validation reads, so certs.yaml accepts exactly the types and options registered here.
 */
public final class DnsProviders implements PluginCatalog {
  private final Map<String, DnsProviderFactory> byId = new LinkedHashMap<>();
  private final List<DnsProviderFactory> factories;

  public DnsProviders(List<DnsProviderFactory> factories) {
    this.factories = List.copyOf(factories);
    for (DnsProviderFactory f : factories) {
      register(f.id(), f);
      f.aliases().forEach(a -> register(a, f));
    }
  }

  private void register(String id, DnsProviderFactory f) {
    if (byId.putIfAbsent(id, f) != null) {
      throw new IllegalArgumentException("DNS provider id " + id + " registered twice");
    }
  }

  /** The registered factories, without aliases, in registration order. */
  public List<DnsProviderFactory> factories() {
    return factories;
  }

  public DnsProviderFactory factory(String type) {
    DnsProviderFactory f = byId.get(type);
    if (f == null) {
      throw new IllegalArgumentException("unknown DNS provider type \"" + type + "\" (expected one of: "
          + String.join(", ", new ArrayList<>(byId.keySet())) + ")");
    }
    return f;
  }

  /** Creates the configured provider instance. */
  public DnsProvider create(PluginSpec spec, SecretResolver secrets) {
    return factory(spec.type()).create(spec.name(), spec.options(), secrets);
  }

  @Override
  public String family() {
    return "DNS provider";
  }

  @Override
  public Set<String> types() {
    return byId.keySet();
  }

  @Override
  public Optional<List<OptionSpec>> options(String type) {
    return Optional.ofNullable(byId.get(type)).map(DnsProviderFactory::options);
  }
}
