package org.certfleet.store;

import java.io.IOException;
import java.util.Optional;
import org.certfleet.cert.CertName;

/**
 * Exactly one worker per certificate across instances: renewal and distribution of a certificate run
 * while its lock is held. A clustered certfleet locks in PostgreSQL (an advisory lock held on a
 * connection of its own for the work's duration); a single instance has nothing to exclude beyond
 * what {@link StoreLock} already does, so {@link #LOCAL} always grants.
 *
 * <p>A lock never waits: a holder elsewhere means "skip and retry later", since the other instance is
 * doing the same work.
 */
public interface CertificateLocks {
  /** Single instance on a local state directory: {@link StoreLock} serialises writers; this grants every lock. */
  CertificateLocks LOCAL = name -> Optional.of(() -> {});

  /**
   * Takes the lock of {@code name} if nobody holds it.
   *
   * @return the held lock, to close when the work is done; empty when another worker holds it
   * @throws IOException when the lock cannot be asked for (e.g. the database is unreachable): the
   *     caller must then not do the work
   */
  Optional<Held> tryLock(CertName name) throws IOException;

  /** A held lock; {@link #close()} releases it and never throws. */
  @FunctionalInterface
  interface Held extends AutoCloseable {
    @Override
    void close();
  }
}
