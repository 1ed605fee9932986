package org.certfleet.acme;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import org.certfleet.cert.CertName;
import org.certfleet.cert.DnsName;
import org.certfleet.cert.KeyType;
import org.jspecify.annotations.Nullable;

/**
 * What to order.
 *
 * @param profile ACME profile, or null for the CA's default
 * @param replaces the certificate being renewed, sent as ARI {@code replaces} when the CA supports it
 * @param reuseKey the key pair to keep, or null to generate a new one of {@code keyType}
 * @param preferredChain issuer CN of an alternate chain to prefer, or null
 */
public record CertRequest(
    CertName name,
    List<DnsName> domains,
    KeyType keyType,
    @Nullable String profile,
    @Nullable X509Certificate replaces,
    @Nullable KeyPair reuseKey,
    @Nullable String preferredChain) {

  public CertRequest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keyType, "keyType");
    domains = List.copyOf(domains);
    if (domains.isEmpty()) {
      throw new IllegalArgumentException("certificate " + name + ": no domains to order");
    }
  }
}
