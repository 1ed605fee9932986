package org.certfleet.state;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Runs a unit of work against the shared database in one transaction: committed when the work returns,
 * rolled back when it throws. SQL failures become {@link IOException}s that say what was being done;
 * the driver's messages name no password and no key.
 */
final class Transaction {
  private Transaction() {}

  /** A unit of work on one connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException, IOException;
  }

  /** Runs {@code work} in a read-write transaction (read committed). */
  static <T> T write(DataSource db, String what, Work<T> work) throws IOException {
    return run(db, what, false, work);
  }

  /** Runs {@code work} in a read-only transaction that sees one snapshot (repeatable read). */
  static <T> T read(DataSource db, String what, Work<T> work) throws IOException {
    return run(db, what, true, work);
  }

  private static <T> T run(DataSource db, String what, boolean readOnly, Work<T> work) throws IOException {
    try (Connection c = db.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      int isolation = c.getTransactionIsolation();
      if (readOnly) {
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      }
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | IOException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      } finally {
        c.setTransactionIsolation(isolation);
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** {@code what: message} for an SQL failure, with the SQL state when the driver gave one. */
  static IOException failure(String what, SQLException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
    return new IOException(what + ": shared database: " + m + (e.getSQLState() == null ? "" : " [" + e.getSQLState() + "]"), e);
  }
}
