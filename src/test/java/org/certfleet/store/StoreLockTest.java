package org.certfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreLockTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
  @TempDir Path tmp;

  @Test
  void aSecondWriterInTheSameProcessIsRefusedUntilTheFirstCloses() throws IOException {
    Path state = tmp.resolve("state");
    try (StoreLock first = StoreLock.acquire(state, CLOCK)) {
      assertThat(Files.readString(state.resolve("lock")))
          .isEqualTo("pid " + ProcessHandle.current().pid() + " since 2026-11-22T10:00:00Z\n");

      assertThatThrownBy(() -> StoreLock.acquire(state, CLOCK))
          .isInstanceOf(StoreLockedException.class)
          .hasMessage("state directory " + state + " is locked by pid " + ProcessHandle.current().pid()
              + " since 2026-11-22T10:00:00Z");
      assertThat(first.stateDir()).isEqualTo(state);
    }
    StoreLock.acquire(state, CLOCK).close();
  }

  @Test
  void aWriterInAnotherProcessIsRefusedWithItsPidAndACrashLeavesNoStaleLock() throws Exception {
    Path state = tmp.resolve("state");
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), state.toString())
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      String first = CompletableFuture.supplyAsync(() -> {
        try {
          return out.readLine();
        } catch (IOException e) {
          return "read failed: " + e;
        }
      }).get(60, TimeUnit.SECONDS);
      assertThat(first).isEqualTo("locked");

      assertThatThrownBy(() -> StoreLock.acquire(state, CLOCK))
          .isInstanceOf(StoreLockedException.class)
          .hasMessage("state directory " + state + " is locked by pid " + holder.pid() + " since 2026-11-22T09:00:00Z");
    } finally {
      holder.destroyForcibly(); // SIGKILL: no shutdown hook, no close(), just as a crash
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    // The kernel dropped the lock with its holder.
    StoreLock.acquire(state, CLOCK).close();
  }

  /** Holds the lock in a separate JVM until killed, or until its stdin closes (the test JVM died). */
  public static final class LockHolder {
    public static void main(String[] args) throws Exception {
      try (StoreLock lock = StoreLock.acquire(Path.of(args[0]),
          Clock.fixed(Instant.parse("2026-11-22T09:00:00Z"), ZoneOffset.UTC))) {
        System.out.println("locked");
        System.out.flush();
        while (System.in.read() >= 0) {
          // wait
        }
      }
    }
  }
}
