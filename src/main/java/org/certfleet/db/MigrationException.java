package org.certfleet.db;

/**
 * The schema cannot be brought to, or is not at, the version this certfleet needs: a migration
 * failed, the database is newer than the code, an applied script changed, or another instance held the
 * migration lock too long. The message says what to do.
 */
public final class MigrationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  MigrationException(String message) {
    super(message);
  }

  MigrationException(String message, Throwable cause) {
    super(message, cause);
  }
}
