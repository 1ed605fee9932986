package org.certfleet.state;

import java.io.IOException;
import java.util.Optional;
import org.certfleet.acme.AccountRepository;
import org.certfleet.acme.OrderJournal;
import org.certfleet.alert.AlertStateStore;
import org.certfleet.audit.AuditLog;
import org.certfleet.cert.CertName;
import org.certfleet.store.CertificateStore;

/**
 * The stores of one config's state: the files of the state directory, or, with {@code cluster:}, the
 * shared database. Obtained from {@link StateAccess}; implementations are thread-safe.
 *
 * <p>Writing the certificate store needs a {@link Writer}. On the state directory that is the state
 * lock ({@code <state>/lock}): one writing command or daemon job at a time, others get {@link
 * org.certfleet.store.StoreLockedException}. In the database there is no such global lock: instances
 * work side by side and exclude each other per certificate with {@link Writer#tryLock}.
 */
public interface StateStores {

  /** Whether several certfleet instances share this state (the cluster database). */
  boolean shared();

  /** Where the state is, for messages: the state directory, or the database URL (never a password). */
  String location();

  /** The certificate store for reading; takes no lock. */
  CertificateStore reader();

  /**
   * Opens the certificate store for writing; close the writer when done.
   *
   * @throws org.certfleet.store.StoreLockedException when another command holds the state directory's lock
   */
  Writer writer() throws IOException;

  AccountRepository accounts();

  OrderJournal orders();

  AlertStateStore alertState();

  AuditLog audit();

  /** The right to write, held until {@link #close}. */
  interface Writer extends AutoCloseable {
    CertificateStore store();

    /**
     * Takes the lock on one certificate without waiting, so that no other instance renews or distributes
     * it meanwhile. On the state directory every such lock is granted: the state lock already keeps every
     * other writer out.
     *
     * @return empty when another instance holds it
     */
    Optional<CertificateLock> tryLock(CertName name) throws IOException;

    /** Releases the writer and every certificate lock taken through it and not yet released. */
    @Override
    void close() throws IOException;
  }

  /** Exclusive work on one certificate, until closed. */
  interface CertificateLock extends AutoCloseable {
    @Override
    void close() throws IOException;
  }
}
