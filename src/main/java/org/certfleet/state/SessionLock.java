package org.certfleet.state;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

  /** Tries to take lock {@code key} for the session of {@code c}, without waiting. */
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
