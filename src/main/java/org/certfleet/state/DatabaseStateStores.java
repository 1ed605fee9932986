package org.certfleet.state;

import org.certfleet.acme.AccountRepository;
import org.certfleet.acme.OrderJournal;
import org.certfleet.alert.AlertStateStore;
import org.certfleet.audit.AuditLog;
import org.certfleet.db.AdvisoryLocks;
import org.certfleet.db.Database;
import org.certfleet.db.PgCertificateLocks;
import org.certfleet.store.CertificateLocks;
import org.certfleet.store.CertificateStore;
import org.certfleet.time.Sleeper;

/**
 * The shared state of a cluster, in its PostgreSQL database (schema {@code V2__state.sql}). Private keys
 * are sealed with the cluster's {@link KeyCipher}; certificate locks are advisory locks shared with the
 * daemons' jobs.
 */
final class DatabaseStateStores implements StateStores {
  /** The advisory lock that stands for the alert state, the same on every instance. */
  static final long ALERT_STATE_LOCK = AdvisoryLocks.key("certfleet", "alert-state");

  private final Database database;
  private final JdbcCertificateStore reader;
  private final JdbcCertificateStore writable;
  private final JdbcAccountRepository accounts;
  private final JdbcOrderJournal orders;
  private final JdbcAlertStateStore alertState;
  private final JdbcAuditLog audit;
  private final PgCertificateLocks locks;

  DatabaseStateStores(Database database, KeyCipher cipher, Sleeper sleeper) {
    this.database = database;
    this.reader = new JdbcCertificateStore(database.dataSource(), cipher, false);
    this.writable = new JdbcCertificateStore(database.dataSource(), cipher, true);
    this.accounts = new JdbcAccountRepository(database.dataSource(), cipher);
    this.orders = new JdbcOrderJournal(database.dataSource(), cipher);
    this.alertState = new JdbcAlertStateStore(database.dataSource(), ALERT_STATE_LOCK, sleeper);
    this.audit = new JdbcAuditLog(database.dataSource());
    this.locks = new PgCertificateLocks(database);
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public String location() {
    return database.url();
  }

  @Override
  public CertificateStore reader() {
    return reader;
  }

  /** No global lock: writers of one lineage are serialised by its row lock, workers by {@link #locks()}. */
  @Override
  public Writer writer() {
    return new Writer() {
      @Override
      public CertificateStore store() {
        return writable;
      }

      @Override
      public void close() {}
    };
  }

  /** The certificate store for writing, for the state directory's import. */
  JdbcCertificateStore writableStore() {
    return writable;
  }

  @Override
  public CertificateLocks locks() {
    return locks;
  }

  @Override
  public AccountRepository accounts() {
    return accounts;
  }

  @Override
  public OrderJournal orders() {
    return orders;
  }

  @Override
  public AlertStateStore alertState() {
    return alertState;
  }

  @Override
  public AuditLog audit() {
    return audit;
  }

  @Override
  public String toString() {
    return "shared database " + database.url();
  }
}
