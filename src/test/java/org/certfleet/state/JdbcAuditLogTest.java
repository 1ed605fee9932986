package org.certfleet.state;

import org.certfleet.audit.AuditLog;
import org.certfleet.audit.AuditLogContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The audit contract against a real PostgreSQL. */
class JdbcAuditLogTest extends AuditLogContract {
  @RegisterExtension static final TwoInstances DB = new TwoInstances();

  @Override
  protected AuditLog log() {
    return new JdbcAuditLog(DB.one().dataSource());
  }

  @Override
  protected AuditLog sameLogElsewhere() {
    return new JdbcAuditLog(DB.two().dataSource());
  }
}
