package org.certfleet.audit;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The audit contract against {@code <state>/audit.jsonl}. */
class FileAuditLogContractTest extends AuditLogContract {
  @TempDir Path state;

  @Override
  protected AuditLog log() {
    return AuditLog.inStateDir(state);
  }

  @Override
  protected AuditLog sameLogElsewhere() {
    return AuditLog.inStateDir(state);
  }
}
