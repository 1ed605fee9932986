package org.certfleet.dns;

/** A DNS operation failed; the message starts with the provider or step and names the record. */
public class DnsException extends Exception {
  private static final long serialVersionUID = 1L;

  public DnsException(String message) {
    super(message);
  }

  public DnsException(String message, Throwable cause) {
    super(message, cause);
  }
}
