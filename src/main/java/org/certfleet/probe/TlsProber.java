package org.certfleet.probe;

import java.time.Duration;

/** Probes what a TLS endpoint serves. Implementations are thread-safe. */
public interface TlsProber {

  /** Never throws for network faults: the result carries the error. Returns within about {@code timeout}. */
  ProbeResult probe(Endpoint endpoint, Duration timeout);
}
