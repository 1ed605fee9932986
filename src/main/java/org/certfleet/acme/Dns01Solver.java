package org.certfleet.acme;

import java.util.List;
import java.util.Objects;
import org.certfleet.cert.DnsName;

/**
 * Publishes DNS-01 challenge records and waits until they are visible where the CA will look.
 *
 * <p>Implementations publish every record before waiting for any, so each has the longest time to
 * propagate, and return only when all are visible on every authoritative nameserver.
 */
public interface Dns01Solver {

  /**
   * Publishes all {@code challenges} and waits until they are visible.
   *
   * @return a handle whose {@link Publication#close()} removes every record that was published,
   *     even when this call failed part-way (in which case it throws and has cleaned up already)
   * @throws Dns01Exception when a record cannot be published or does not become visible in time
   */
  Publication publish(List<Challenge> challenges) throws Dns01Exception;

  /**
   * One DNS-01 challenge: a TXT record {@code _acme-challenge.<domain>} with {@code digest}. For a
   * wildcard the domain is the base name, so {@code *.x} and {@code x} share one record name.
   */
  record Challenge(DnsName domain, String digest) {
    public Challenge {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(digest, "digest");
    }
  }

  /** Published records; closing removes them. Clean-up errors are thrown from close, never hidden. */
  interface Publication extends AutoCloseable {
    @Override
    void close() throws Dns01Exception;
  }

  /** Publishing, propagation or clean-up failed; the message names the record and the step. */
  final class Dns01Exception extends Exception {
    private static final long serialVersionUID = 1L;

    public Dns01Exception(String message, Throwable cause) {
      super(message, cause);
    }

    public Dns01Exception(String message) {
      super(message);
    }
  }
}
