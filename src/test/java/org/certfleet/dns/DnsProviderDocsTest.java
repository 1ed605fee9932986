package org.certfleet.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.certfleet.dns.acmedns.AcmeDnsFactory;
import org.certfleet.dns.cloudflare.CloudflareFactory;
import org.certfleet.dns.exec.ExecFactory;
import org.certfleet.dns.rfc2136.Rfc2136Factory;
import org.certfleet.dns.route53.Route53Factory;
import org.junit.jupiter.api.Test;

class DnsProviderDocsTest {
  static final Path DOC = Path.of("docs/dns-providers.md");

  @Test
  void committedDocMatchesTheProvidersOwnDescriptions() throws IOException {
    // The same list as Plugins.dnsProviders (PluginsTest checks that the doc matches the real registry).
    String rendered = DnsProviderDocs.render(new DnsProviders(List.of(new Rfc2136Factory(), new ExecFactory(Path.of(".")),
        new Route53Factory(Clock.systemUTC(), d -> {}), new CloudflareFactory(), new AcmeDnsFactory())));
    if (Boolean.getBoolean("certfleet.regenerateDocs")) {
      Files.writeString(DOC, rendered);
    }
    assertThat(Files.readString(DOC))
        .as("docs/dns-providers.md is stale; regenerate: mvn -q test -Dtest=DnsProviderDocsTest -Dcertfleet.regenerateDocs=true")
        .isEqualTo(rendered);
  }
}
