package org.certfleet.state;

import java.io.IOException;
import org.certfleet.acme.AccountRepository;
import org.certfleet.acme.OrderJournal;
import org.certfleet.alert.AlertStateStore;
import org.certfleet.audit.AuditLog;
import org.certfleet.store.CertificateLocks;
import org.certfleet.store.CertificateStore;

/**
 * The stores of one config's state: the files of the state directory, or, with {@code cluster:}, the
 * shared database. Obtained from {@link StateAccess}; implementations are thread-safe.
 *
 * <p>Writing the certificate store needs a {@link Writer}. On the state directory that is the state
 * lock ({@code <state>/lock}): one writing command or daemon job at a time, others get {@link
 * org.certfleet.store.StoreLockedException}. In the database there is no such global lock: instances
 * work side by side and exclude each other per certificate with {@link #locks()}.
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

  /**
   * Exactly one worker per certificate: renewal, distribution and rollback of a certificate run while its
   * lock is held. On the state directory every lock is granted (the state lock already keeps every other
   * writer out); in the database they are advisory locks every instance and command shares.
   */
  CertificateLocks locks();

  /** The right to write the certificate store, held until {@link #close}. */
  interface Writer extends AutoCloseable {
    CertificateStore store();

    @Override
    void close() throws IOException;
  }
}
