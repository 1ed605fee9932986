package org.certfleet.probe;

import java.time.Duration;

/** Probes what a TLS endpoint serves. Implementations are thread-safe. */
public interface TlsProber {

  /** Never throws for network faults: the result carries the error. Returns within about {@code timeout}. */
  ProbeResult probe(Endpoint endpoint, Duration timeout);

  /**
   * A probe for a caller that waits for one certificate, {@code awaitedLeafSha256} (lowercase hex SHA-256
   * of the leaf's DER). When the server presents another leaf, the probe may end the handshake as soon as
   * that leaf has arrived: the result holds the chain as presented, with no error, but the server has not
   * proved that it holds the key of a certificate the caller is going to reject anyway. An awaited leaf
   * always gets the full handshake.
   */
  default ProbeResult probeAwaiting(Endpoint endpoint, Duration timeout, String awaitedLeafSha256) {
    return probe(endpoint, timeout);
  }
}
