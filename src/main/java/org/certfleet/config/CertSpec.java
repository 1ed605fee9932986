package org.certfleet.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.certfleet.cert.CertName;
import org.certfleet.cert.DnsName;
import org.certfleet.cert.KeyType;
import org.jspecify.annotations.Nullable;

/**
 * One certificate lineage: its names, how it is issued and where it goes.
 *
 * @param domains the SANs in order, each with the DNS provider that answers its challenge
 * @param deployTo group and node names as written; {@link AppConfig#nodesFor} expands them
 * @param probe extra names (not in the certificate) that inventory checks on the same nodes
 * @param renewBefore renew when this much lifetime remains, or null for the default policy
 * @param preferredChain issuer CN of an alternate chain to prefer, or null for the CA's default
 */
public record CertSpec(
    CertName name,
    List<Domain> domains,
    KeyType keyType,
    @Nullable String profile,
    List<String> deployTo,
    List<DnsName> probe,
    @Nullable Duration renewBefore,
    boolean reuseKey,
    @Nullable String preferredChain) {

  public CertSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keyType, "keyType");
    domains = List.copyOf(domains);
    deployTo = List.copyOf(deployTo);
    probe = List.copyOf(probe);
  }

  public List<DnsName> names() {
    return domains.stream().map(Domain::name).toList();
  }

  /** A SAN and the name of the DNS provider that publishes its challenge record. */
  public record Domain(DnsName name, String dnsProvider) {
    public Domain {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(dnsProvider, "dnsProvider");
    }
  }
}
