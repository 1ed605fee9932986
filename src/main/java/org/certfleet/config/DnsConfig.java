package org.certfleet.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code dns:} section: the providers that publish DNS-01 TXT records and how propagation is
 * checked.
 */
public record DnsConfig(String defaultProvider, Propagation propagation, List<PluginSpec> providers) {
  public DnsConfig {
    Objects.requireNonNull(defaultProvider, "defaultProvider");
    Objects.requireNonNull(propagation, "propagation");
    providers = List.copyOf(providers);
  }

  public Optional<PluginSpec> provider(String name) {
    return providers.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /**
   * How long to wait for TXT records on every authoritative nameserver.
   *
   * @param extraWait a fixed wait after propagation is confirmed; zero by default
   * @param resolvers recursive resolvers ({@code host[:port]}) used to find zones, CNAMEs and
   *     nameservers; empty means the system's
   */
  public record Propagation(Duration timeout, Duration interval, Duration extraWait, List<String> resolvers) {
    public static final Propagation DEFAULT =
        new Propagation(Duration.ofSeconds(120), Duration.ofSeconds(2), Duration.ZERO, List.of());

    public Propagation {
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(interval, "interval");
      Objects.requireNonNull(extraWait, "extraWait");
      resolvers = List.copyOf(resolvers);
    }
  }
}
