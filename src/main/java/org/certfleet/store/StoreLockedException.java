package org.certfleet.store;

/**
 * Another process (or another part of this one) holds the state directory's writer lock, or, in a cluster,
 * another instance is working on the certificate.
 */
public final class StoreLockedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreLockedException(String message) {
    super(message);
  }
}
