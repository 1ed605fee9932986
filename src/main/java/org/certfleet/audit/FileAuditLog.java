package org.certfleet.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit log as a JSON-lines file (mode 0600), {@code <state>/audit.jsonl}. Thread-safe within the process; the
 * state lock keeps other processes out. Each entry is written with one {@code write} call on an
 * {@code O_APPEND} file, so a crash leaves at most a torn last line, which {@link #read} skips.
 */
public final class FileAuditLog implements AuditLog {
  private final Path file;
  private final ObjectMapper json = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  public FileAuditLog(Path file) {
    this.file = file;
  }

  public static FileAuditLog inStateDir(Path stateDir) {
    return new FileAuditLog(stateDir.resolve("audit.jsonl"));
  }

  public Path file() {
    return file;
  }

  @Override
  public synchronized void append(AuditEntry entry) {
    try {
      byte[] line = (json.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
      if (!Files.exists(file)) {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (java.nio.file.FileAlreadyExistsException e) {
          // another handle on the same log created it a moment ago
        }
      }
      Files.write(file, line, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the audit log " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<AuditEntry> read() throws IOException {
    List<AuditEntry> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      try {
        out.add(json.readValue(line, AuditEntry.class));
      } catch (JsonProcessingException e) {
        // a torn last line after a crash
      }
    }
    return out;
  }
}
