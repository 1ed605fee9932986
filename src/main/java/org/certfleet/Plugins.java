package org.certfleet;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.certfleet.dns.DnsProviders;
import org.certfleet.dns.acmedns.AcmeDnsFactory;
import org.certfleet.dns.cloudflare.CloudflareFactory;
import org.certfleet.dns.exec.ExecFactory;
import org.certfleet.dns.rfc2136.Rfc2136Factory;
import org.certfleet.dns.route53.Route53Factory;
import org.certfleet.time.Sleeper;

/** Builds the explicit plugin registries; adding a provider type is one line here. */
final class Plugins {
  private Plugins() {}

  /**
   * @param workDir where relative {@code exec} commands are looked up
   * @param clock and {@code sleeper} pace providers that poll their API (route53's INSYNC wait)
   */
  static DnsProviders dnsProviders(Path workDir, Clock clock, Sleeper sleeper) {
    return new DnsProviders(List.of(
        new Rfc2136Factory(),
        new ExecFactory(workDir),
        new Route53Factory(clock, sleeper),
        new CloudflareFactory(),
        new AcmeDnsFactory()));
  }
}
