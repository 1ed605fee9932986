package org.certfleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.certfleet.dns.DnsProviderDocs;
import org.certfleet.dns.DnsProviders;
import org.junit.jupiter.api.Test;

class PluginsTest {

  @Test
  void everyDnsProviderTypeIsRegisteredAndDocumented() throws Exception {
    DnsProviders providers = Plugins.dnsProviders(Path.of("."), Clock.systemUTC(), d -> {});

    assertThat(providers.types()).containsExactly("rfc2136", "nsupdate", "exec", "route53", "cloudflare", "acme-dns");
    assertThat(Files.readString(Path.of("docs/dns-providers.md"))).isEqualTo(DnsProviderDocs.render(providers));
  }
}
