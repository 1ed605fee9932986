package org.certfleet.acme;

import java.net.URL;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A certificate the CA issued, with the key it was issued for.
 *
 * @param chain leaf first, then the intermediates, as the CA sent them (the chosen alternate, if any)
 */
public record Issued(List<X509Certificate> chain, KeyPair keyPair, URL orderLocation) {
  public Issued {
    chain = List.copyOf(chain);
    Objects.requireNonNull(keyPair, "keyPair");
    Objects.requireNonNull(orderLocation, "orderLocation");
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("empty certificate chain");
    }
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  @Override
  public String toString() {
    return "Issued[" + leaf().getSubjectX500Principal() + ", serial " + leaf().getSerialNumber().toString(16) + "]";
  }
}
