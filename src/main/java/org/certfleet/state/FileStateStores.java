package org.certfleet.state;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.certfleet.acme.AccountRepository;
import org.certfleet.acme.OrderJournal;
import org.certfleet.alert.AlertStateStore;
import org.certfleet.alert.FileAlertStateStore;
import org.certfleet.audit.AuditLog;
import org.certfleet.renewal.StateAccountRepository;
import org.certfleet.renewal.StateOrderJournal;
import org.certfleet.store.CertificateLocks;
import org.certfleet.store.CertificateStore;
import org.certfleet.store.FileCertificateStore;
import org.certfleet.store.StoreLock;
import org.certfleet.time.Sleeper;

/** The state directory of a single instance (no {@code cluster:}): exactly what certfleet always did. */
final class FileStateStores implements StateStores {
  private final Path stateDir;
  private final Clock clock;
  private final Sleeper sleeper;

  FileStateStores(Path stateDir, Clock clock, Sleeper sleeper) {
    this.stateDir = stateDir;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  @Override
  public boolean shared() {
    return false;
  }

  @Override
  public String location() {
    return stateDir.toString();
  }

  @Override
  public CertificateStore reader() {
    return FileCertificateStore.readOnly(stateDir);
  }

  @Override
  public Writer writer() throws IOException {
    StoreLock lock = StoreLock.acquire(stateDir, clock);
    try {
      FileCertificateStore store = FileCertificateStore.writable(lock);
      return new Writer() {
        @Override
        public CertificateStore store() {
          return store;
        }

        @Override
        public void close() throws IOException {
          lock.close();
        }
      };
    } catch (IOException | RuntimeException e) {
      try {
        lock.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  @Override
  public CertificateLocks locks() {
    return CertificateLocks.LOCAL;
  }

  @Override
  public AccountRepository accounts() {
    return new StateAccountRepository(stateDir);
  }

  @Override
  public OrderJournal orders() {
    return new StateOrderJournal(stateDir);
  }

  @Override
  public AlertStateStore alertState() {
    return new FileAlertStateStore(stateDir, clock, sleeper);
  }

  @Override
  public AuditLog audit() {
    return AuditLog.inStateDir(stateDir);
  }

  @Override
  public String toString() {
    return "state directory " + stateDir;
  }
}
