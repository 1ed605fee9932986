package org.certfleet.store;

/** Another process (or another part of this one) holds the state directory's writer lock. */
public final class StoreLockedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StoreLockedException(String message) {
    super(message);
  }
}
