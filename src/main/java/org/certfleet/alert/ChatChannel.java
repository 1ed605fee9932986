package org.certfleet.alert;

/** A configured place that receives alerts. Implementations are thread-safe. */
public interface ChatChannel {
  /** The name from certs.yaml, e.g. {@code ops-discord}. */
  String name();

  /**
   * Delivers {@code message}, splitting it when the channel limits its size, and returns only once the
   * channel confirmed every part.
   *
   * @throws AlertDeliveryException naming the channel and what failed; never containing the channel's
   *     URL or token
   */
  void send(AlertMessage message) throws AlertDeliveryException, InterruptedException;
}
