package org.certfleet.probe;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.certfleet.cert.CertFacts;
import org.jspecify.annotations.Nullable;

/**
 * What one probe saw.
 *
 * @param chain the certificates the server presented, leaf first; empty when the probe failed
 * @param error why nothing was seen (refused, timed out, handshake failed), or null
 */
public record ProbeResult(Endpoint endpoint, List<X509Certificate> chain, @Nullable String error, Duration took) {
  public ProbeResult {
    chain = List.copyOf(chain);
  }

  public boolean ok() {
    return error == null && !chain.isEmpty();
  }

  /** The served leaf's facts, when the probe saw one. */
  public Optional<CertFacts> leaf() {
    return chain.isEmpty() ? Optional.empty() : Optional.of(CertFacts.of(chain.get(0)));
  }
}
