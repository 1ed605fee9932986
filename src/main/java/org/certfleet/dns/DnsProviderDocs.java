package org.certfleet.dns;

import org.certfleet.config.OptionSpec;

/** Renders docs/dns-providers.md from the registered providers' own descriptions. */
public final class DnsProviderDocs {
  private DnsProviderDocs() {}

  public static String render(DnsProviders providers) {
    StringBuilder b = new StringBuilder();
    b.append("# DNS providers\n\n")
        .append("<!-- Generated from the providers' own option descriptions by DnsProviderDocs; do not edit.\n")
        .append("     Regenerate: mvn -q test -Dtest=DnsProviderDocsTest -Dcertfleet.regenerateDocs=true -->\n\n")
        .append("Each entry under `dns.providers` names a `type` below and gives its `options`. Options marked")
        .append(" secret take a reference (`${env:NAME}` or `${file:/path}`), never the value.\n");
    for (DnsProviderFactory f : providers.factories()) {
      b.append("\n## `").append(f.id()).append("`\n\n");
      if (!f.aliases().isEmpty()) {
        b.append("Aliases: ").append(String.join(", ", f.aliases().stream().map(a -> "`" + a + "`").toList())).append(".\n\n");
      }
      b.append(f.description()).append("\n\n");
      b.append("| option | required | secret | default | description |\n|---|---|---|---|---|\n");
      for (OptionSpec o : f.options()) {
        b.append("| `").append(o.name()).append("` | ").append(o.required() ? "yes" : "no").append(" | ")
            .append(o.secret() ? "yes" : "no").append(" | ")
            .append(o.defaultValue() == null ? "" : "`" + o.defaultValue() + "`").append(" | ")
            .append(o.description().replace("|", "\\|")).append(" |\n");
      }
    }
    return b.toString();
  }
}
