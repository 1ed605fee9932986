package org.certfleet.dns;

/**
 * Publishes and removes DNS-01 TXT records in one DNS service.
 *
 * <p>Several values may live on one name at once (a wildcard and its base domain share {@code
 * _acme-challenge.<base>}), so {@link #present} adds a value and {@link #cleanUp} removes only that
 * value. Both are idempotent. Implementations are thread-safe.
 */
public interface DnsProvider {

  /** Adds {@code record}'s value; succeeds when it is already there. */
  void present(TxtRecord record) throws DnsException;

  /** Removes {@code record}'s value only; succeeds when it is already gone. */
  void cleanUp(TxtRecord record) throws DnsException;
}
