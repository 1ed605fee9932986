package org.certfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreLockTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
  @TempDir Path state;

  @Test
  void aSecondWriterInTheSameProcessIsRefusedUntilTheFirstCloses() throws IOException {
    try (StoreLock first = StoreLock.acquire(state, CLOCK)) {
      assertThatThrownBy(() -> StoreLock.acquire(state, CLOCK))
          .isInstanceOf(StoreLockedException.class)
          .hasMessage("state directory " + state + " is locked by pid " + ProcessHandle.current().pid()
              + " since 2026-11-22T10:00:00Z");
    }
    StoreLock.acquire(state, CLOCK).close();
  }

  @Test
  void aWriterInAnotherProcessIsRefusedWithItsPid() throws Exception {
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), state.toString())
        .redirectErrorStream(true).start();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(r.readLine()).isEqualTo("locked");

      assertThatThrownBy(() -> StoreLock.acquire(state, CLOCK))
          .isInstanceOf(StoreLockedException.class)
          .hasMessage("state directory " + state + " is locked by pid " + holder.pid() + " since 2026-11-22T09:00:00Z");
    } finally {
      holder.destroy();
      assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    // The kernel drops the lock with its holder: no stale lock after a crash.
    StoreLock.acquire(state, CLOCK).close();
  }

  /** Holds the lock in a separate JVM until killed. */
  public static final class LockHolder {
    public static void main(String[] args) throws Exception {
      StoreLock lock = StoreLock.acquire(Path.of(args[0]), Clock.fixed(Instant.parse("2026-11-22T09:00:00Z"), ZoneOffset.UTC));
      System.out.println("locked");
      System.out.flush();
      Thread.sleep(60_000);
      lock.close();
    }
  }
}
