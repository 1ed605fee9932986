package org.certfleet.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where every change on a node is recorded, one {@link AuditEntry} each, never key material. The file
 * in the state directory ({@link FileAuditLog}) is the default; a cluster keeps it in its database.
 * Implementations are thread-safe.
 */
public interface AuditLog {

  /** The file log of a state directory, {@code <state>/audit.jsonl}. */
  static AuditLog inStateDir(Path stateDir) {
    return FileAuditLog.inStateDir(stateDir);
  }

  /**
   * Appends {@code entry}; an audit that cannot be written is a failure of the change it records.
   *
   * @throws java.io.UncheckedIOException naming the log when the entry cannot be written
   */
  void append(AuditEntry entry);

  /** Every complete entry, oldest first. */
  List<AuditEntry> read() throws IOException;

  /** The last {@code limit} entries, oldest first. */
  default List<AuditEntry> recent(int limit) throws IOException {
    List<AuditEntry> all = read();
    return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
  }
}
