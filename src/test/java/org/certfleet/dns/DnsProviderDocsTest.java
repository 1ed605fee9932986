package org.certfleet.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.certfleet.dns.exec.ExecFactory;
import org.certfleet.dns.rfc2136.Rfc2136Factory;
import org.junit.jupiter.api.Test;

class DnsProviderDocsTest {
  static final Path DOC = Path.of("docs/dns-providers.md");

  @Test
  void committedDocMatchesTheProvidersOwnDescriptions() throws IOException {
    String rendered = DnsProviderDocs.render(new DnsProviders(List.of(new Rfc2136Factory(), new ExecFactory(Path.of(".")))));
    if (Boolean.getBoolean("certfleet.regenerateDocs")) {
      Files.writeString(DOC, rendered);
    }
    assertThat(Files.readString(DOC))
        .as("docs/dns-providers.md is stale; regenerate: mvn -q test -Dtest=DnsProviderDocsTest -Dcertfleet.regenerateDocs=true")
        .isEqualTo(rendered);
  }
}
