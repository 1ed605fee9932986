package org.certfleet.alert;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.certfleet.store.AtomicFiles;
import org.certfleet.time.Sleeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert state as {@code <state>/alerts.json} (0600, replaced atomically), locked with
 * {@code <state>/alerts.lock}: an OS file lock between processes plus a semaphore between threads of
 * one process (file locks are held per process). A file that does not parse is moved aside as
 * {@code alerts.json.corrupt-<time>} and the book starts empty: repeating an alert beats never sending one.
 */
public final class FileAlertStateStore implements AlertStateStore {
  private static final Logger log = LoggerFactory.getLogger(FileAlertStateStore.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Map<Path, Semaphore> IN_PROCESS = new ConcurrentHashMap<>();
  private static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.PUBLIC_ONLY);

  private final Path dir;
  private final Clock clock;
  private final Sleeper sleeper;

  public FileAlertStateStore(Path stateDir, Clock clock, Sleeper sleeper) {
    this.dir = stateDir;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  public Path file() {
    return dir.resolve("alerts.json");
  }

  @Override
  public Lock lock(Duration wait) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path lockFile = dir.resolve("alerts.lock");
    Semaphore local = IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new Semaphore(1));
    long deadline = System.nanoTime() + wait.toNanos();
    if (!local.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new IOException(lockFile + ": alert state is busy in this process (waited " + wait.toSeconds() + " s)");
    }
    FileChannel ch = null;
    try {
      ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      while (true) {
        FileLock lock = ch.tryLock();
        if (lock != null) {
          return new Held(ch, local);
        }
        if (System.nanoTime() >= deadline) {
          throw new IOException(lockFile + ": alert state is locked by another certfleet process (waited "
              + wait.toSeconds() + " s)");
        }
        sleeper.sleep(POLL);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (ch != null) {
        ch.close();
      }
      local.release();
      throw e;
    }
  }

  private final class Held implements Lock {
    private final FileChannel channel;
    private final Semaphore local;

    Held(FileChannel channel, Semaphore local) {
      this.channel = channel;
      this.local = local;
    }

    @Override
    public AlertState load() throws IOException {
      Path f = file();
      if (!Files.exists(f)) {
        return new AlertState();
      }
      try {
        return JSON.readValue(f.toFile(), AlertState.class);
      } catch (JacksonException e) {
        Path aside = f.resolveSibling("alerts.json.corrupt-" + clock.instant().toEpochMilli());
        Files.move(f, aside, StandardCopyOption.ATOMIC_MOVE);
        log.error("{}: not readable ({}); moved to {} and starting with no alert state, so open problems are "
            + "alerted again", f, e.getOriginalMessage(), aside.getFileName());
        return new AlertState();
      }
    }

    @Override
    public void save(AlertState state) throws IOException {
      AtomicFiles.write(file(), JSON.writeValueAsBytes(state), AtomicFiles.PRIVATE_FILE);
    }

    @Override
    public void close() throws IOException {
      try {
        channel.close(); // releases the file lock
      } finally {
        local.release();
      }
    }
  }
}
