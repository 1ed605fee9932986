package org.certfleet.state;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL session advisory lock held on a pooled connection of its own, until {@link #close}. If
 * the holder dies, its connection ends and the server releases the lock, so a crashed instance never
 * leaves one behind. Closing unlocks and returns the connection; a connection whose unlock failed is
 * aborted rather than returned, so that the lock cannot linger in the pool.
 */
final class SessionLock implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SessionLock.class);

  private final Connection connection;
  private final long key;
  private boolean closed;

  private SessionLock(Connection connection, long key) {
    this.connection = connection;
    this.key = key;
  }

  /** Takes lock {@code key} without waiting; empty when another session holds it. */
  static Optional<SessionLock> tryAcquire(DataSource db, long key, String what) throws IOException {
    Connection c;
    try {
      c = db.getConnection();
    } catch (SQLException e) {
      throw Transaction.failure(what + ": locking", e);
    }
    try {
      c.setAutoCommit(true);
      if (tryLock(c, key)) {
        return Optional.of(new SessionLock(c, key));
      }
      quietClose(c);
      return Optional.empty();
    } catch (SQLException e) {
      quietClose(c);
      throw Transaction.failure(what + ": locking", e);
    } catch (RuntimeException e) {
      quietClose(c);
      throw e;
    }
  }

  /** Another attempt on the same connection, for waiting holders that poll. */
  static boolean tryLock(Connection c, long key) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      st.setLong(1, key);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** Wraps a connection on which {@code key} is already held. */
  static SessionLock held(Connection c, long key) {
    return new SessionLock(c, key);
  }

  Connection connection() {
    return connection;
  }

  static void quietClose(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("closing a connection: {}", e.getMessage());
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (PreparedStatement st = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
      st.setLong(1, key);
      st.executeQuery().close();
    } catch (SQLException e) {
      try {
        connection.abort(Runnable::run);
      } catch (SQLException abort) {
        e.addSuppressed(abort);
      }
      throw Transaction.failure("releasing a lock", e);
    } finally {
      quietClose(connection);
    }
  }
}
