package org.certfleet.db;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Optional;
import org.certfleet.cert.CertName;
import org.certfleet.store.CertificateLocks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-certificate locks as PostgreSQL session advisory locks ({@code pg_try_advisory_lock} on
 * {@link AdvisoryLocks#key}{@code ("certificate", name)}), each on a pooled connection kept for the
 * lock's lifetime.
 *
 * <p>When the holding process dies, its connection closes and the server drops the lock at once; a
 * holder whose connection breaks (database restart) loses it the same way, which is why the stores
 * write through the same database: a worker that lost its lock also cannot write. Releasing unlocks
 * and returns the connection; a connection that cannot unlock is evicted from the pool, which ends its
 * session and so the lock.
 */
public final class PgCertificateLocks implements CertificateLocks {
  private static final Logger log = LoggerFactory.getLogger(PgCertificateLocks.class);
  static final String NAMESPACE = "certificate";

  private final Database database;

  public PgCertificateLocks(Database database) {
    this.database = Objects.requireNonNull(database, "database");
  }

  @Override
  public Optional<Held> tryLock(CertName name) throws IOException {
    long key = AdvisoryLocks.key(NAMESPACE, name.value());
    Connection c;
    try {
      c = database.connection();
    } catch (SQLException e) {
      throw new IOException("cannot lock " + name + " in the database: " + Database.describe(e), e);
    }
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(" + key + ")")) {
      rs.next();
      if (!rs.getBoolean(1)) {
        c.close();
        return Optional.empty();
      }
    } catch (SQLException e) {
      database.evict(c);
      throw new IOException("cannot lock " + name + " in the database: " + Database.describe(e), e);
    }
    return Optional.of(() -> release(c, name, key));
  }

  private void release(Connection c, CertName name, long key) {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_advisory_unlock(" + key + ")")) {
      rs.next();
      if (!rs.getBoolean(1)) {
        log.warn("{}: the certificate lock was no longer held when released (the database connection was reset)", name);
      }
      c.close();
    } catch (SQLException e) {
      log.warn("{}: releasing the certificate lock failed ({}); dropping its connection", name, Database.describe(e));
      database.evict(c);
    }
  }
}
