package org.certfleet;

import java.nio.file.Path;
import java.util.List;
import org.certfleet.dns.DnsProviders;
import org.certfleet.dns.exec.ExecFactory;
import org.certfleet.dns.rfc2136.Rfc2136Factory;

/** Builds the explicit plugin registries; adding a provider type is one line here. */
final class Plugins {
  private Plugins() {}

  /** @param workDir where relative {@code exec} commands are looked up */
  static DnsProviders dnsProviders(Path workDir) {
    return new DnsProviders(List.of(new Rfc2136Factory(), new ExecFactory(workDir)));
  }
}
