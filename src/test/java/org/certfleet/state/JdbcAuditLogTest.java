package org.certfleet.state;

import java.sql.SQLException;
import org.certfleet.audit.AuditLog;
import org.certfleet.audit.AuditLogContract;
import org.certfleet.db.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The audit contract against a real PostgreSQL. */
class JdbcAuditLogTest extends AuditLogContract {
  static TestDatabase db;
  static Database one;
  static Database two;

  @BeforeAll
  static void start() throws SQLException {
    db = TestDatabase.create();
    one = db.instance();
    two = db.instance();
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  @BeforeEach
  void clear() throws SQLException {
    db.clear();
  }

  @Override
  protected AuditLog log() {
    return new JdbcAuditLog(one.dataSource());
  }

  @Override
  protected AuditLog sameLogElsewhere() {
    return new JdbcAuditLog(two.dataSource());
  }
}
