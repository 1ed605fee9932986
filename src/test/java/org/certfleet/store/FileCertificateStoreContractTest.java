package org.certfleet.store;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The store contract against the state directory. */
class FileCertificateStoreContractTest extends CertificateStoreContract {
  @TempDir Path tmp;
  StoreLock lock;

  @BeforeEach
  void lock() throws IOException {
    lock = StoreLock.acquire(tmp.resolve("state"), Clock.fixed(T, ZoneOffset.UTC));
  }

  @AfterEach
  void unlock() throws IOException {
    lock.close();
  }

  @Override
  protected CertificateStore writable() throws IOException {
    return FileCertificateStore.writable(lock);
  }

  /** Another process is kept out by the lock; within one, writers share it. */
  @Override
  protected CertificateStore anotherWriter() throws IOException {
    return FileCertificateStore.writable(lock);
  }

  @Override
  protected CertificateStore readOnly() {
    return FileCertificateStore.readOnly(lock.stateDir());
  }
}
