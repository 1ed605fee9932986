package org.certfleet.operation;

import java.time.Clock;
import java.util.Objects;
import org.certfleet.config.AppConfig;
import org.certfleet.config.SecretResolver;
import org.certfleet.dns.DnsProviders;
import org.certfleet.state.StateAccess;
import org.certfleet.state.StateStores;
import org.certfleet.time.Sleeper;

/**
 * The process-wide collaborators every operation needs, built once in the composition root.
 *
 * @param state where each config's state lives: the state directory, or the cluster's database
 */
public record Toolkit(SecretResolver secrets, Clock clock, Sleeper sleeper, DnsProviders dnsProviders, StateAccess state) {
  public Toolkit {
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(dnsProviders, "dnsProviders");
    Objects.requireNonNull(state, "state");
  }

  /** With a state access of its own, for callers that never close one (tests on a state directory). */
  public Toolkit(SecretResolver secrets, Clock clock, Sleeper sleeper, DnsProviders dnsProviders) {
    this(secrets, clock, sleeper, dnsProviders, new StateAccess(secrets, clock, sleeper));
  }

  /** The stores of {@code config}'s state. */
  public StateStores stores(AppConfig config) {
    return state.of(config);
  }
}
