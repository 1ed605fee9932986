package org.certfleet.daemon;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.certfleet.store.AtomicFiles;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each scheduled job last started, kept in {@code <state>/daemon.json} so that a restart can tell
 * which cron fire it slept through (the in-memory scheduler forgets). Thread-safe.
 */
final class RunHistory {
  private static final Logger log = LoggerFactory.getLogger(RunHistory.class);
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final Path file;
  private final Map<String, Instant> lastRun = new TreeMap<>();

  RunHistory(Path stateDir) {
    this.file = stateDir.resolve("daemon.json");
    if (Files.exists(file)) {
      try {
        lastRun.putAll(JSON.readValue(file.toFile(), new TypeReference<Map<String, Instant>>() {}));
      } catch (JacksonException e) {
        log.warn("{}: not readable ({}); missed runs before this start are not caught up", file, e.getOriginalMessage());
      } catch (IOException e) {
        log.warn("{}: {}", file, e.getMessage());
      }
    }
  }

  synchronized @Nullable Instant lastRun(String job) {
    return lastRun.get(job);
  }

  synchronized void ran(String job, Instant at) {
    lastRun.put(job, at);
    try {
      Files.createDirectories(file.getParent());
      AtomicFiles.write(file, JSON.writeValueAsBytes(lastRun), AtomicFiles.PRIVATE_FILE);
    } catch (IOException e) {
      log.warn("{}: cannot record the last run of {}: {}", file, job, e.getMessage());
    }
  }
}
