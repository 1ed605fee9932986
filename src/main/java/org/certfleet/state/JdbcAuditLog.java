package org.certfleet.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;
import org.certfleet.audit.AuditEntry;
import org.certfleet.audit.AuditLog;

/**
 * The audit log of a cluster, {@code certfleet_audit}: one row per entry, appended in its own
 * transaction by whichever instance made the change, ordered by a sequence. Times are kept to the
 * microsecond. Thread-safe.
 */
final class JdbcAuditLog implements AuditLog {
  private static final String COLUMNS = "time, action, cert, node, file, from_value, to_value, command, result";

  private final DataSource db;

  JdbcAuditLog(DataSource db) {
    this.db = db;
  }

  @Override
  public void append(AuditEntry e) {
    try {
      Transaction.write(db, "cannot append to the audit log", c -> {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO certfleet_audit (" + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          st.setTimestamp(1, Timestamp.from(e.time()));
          st.setString(2, e.action());
          st.setString(3, e.cert());
          st.setString(4, e.node());
          st.setString(5, e.file());
          st.setString(6, e.from());
          st.setString(7, e.to());
          st.setString(8, e.command());
          st.setString(9, e.result());
          st.executeUpdate();
        }
        return null;
      });
    } catch (IOException ex) {
      throw new UncheckedIOException(ex.getMessage(), ex);
    }
  }

  @Override
  public List<AuditEntry> read() throws IOException {
    return query("SELECT " + COLUMNS + " FROM certfleet_audit ORDER BY id", -1);
  }

  @Override
  public List<AuditEntry> recent(int limit) throws IOException {
    List<AuditEntry> newestFirst = query("SELECT " + COLUMNS + " FROM certfleet_audit ORDER BY id DESC LIMIT ?", limit);
    List<AuditEntry> out = new ArrayList<>(newestFirst);
    Collections.reverse(out);
    return out;
  }

  private List<AuditEntry> query(String sql, int limit) throws IOException {
    return Transaction.read(db, "reading the audit log", c -> {
      List<AuditEntry> out = new ArrayList<>();
      try (PreparedStatement st = c.prepareStatement(sql)) {
        if (limit >= 0) {
          st.setInt(1, limit);
        }
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            out.add(entry(rs));
          }
        }
      }
      return out;
    });
  }

  private static AuditEntry entry(ResultSet rs) throws SQLException {
    return new AuditEntry(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9));
  }
}
