package org.certfleet.alert;

/** A channel did not confirm a message. The message names the channel, never its URL or token. */
public final class AlertDeliveryException extends Exception {
  private static final long serialVersionUID = 1L;

  public AlertDeliveryException(String message) {
    super(message);
  }
}
