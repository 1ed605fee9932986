package org.certfleet.operation;

import java.time.Clock;
import java.util.Objects;
import org.certfleet.config.SecretResolver;
import org.certfleet.dns.DnsProviders;
import org.certfleet.time.Sleeper;

/** The process-wide collaborators every operation needs, built once in the composition root. */
public record Toolkit(SecretResolver secrets, Clock clock, Sleeper sleeper, DnsProviders dnsProviders) {
  public Toolkit {
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(dnsProviders, "dnsProviders");
  }
}
