package org.certfleet.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AlertStateStore} does: the state directory's and the shared database's. Above all,
 * one holder of the lock at a time across stores on the same state, and every save durable at once.
 */
public abstract class AlertStateStoreContract {
  protected static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

  /** A store on an empty state at the start of each test. */
  protected abstract AlertStateStore store() throws IOException;

  /** Another store on the same state, as another process or instance would open it. */
  protected abstract AlertStateStore sameStateElsewhere() throws IOException;

  private static AlertState.Queued queued(String key, String... channels) {
    AlertState.Queued q = new AlertState.Queued();
    q.message = new AlertMessage("id-" + key, key, "critical", "summary of " + key, List.of("line 1", "line 2"), false);
    q.kind = AlertState.Kind.FIRING;
    q.problemKey = key;
    q.fingerprint = "fp-" + key;
    q.channels.addAll(List.of(channels));
    q.queuedAt = T;
    q.failedAttempts = 2;
    q.lastError = "HTTP 502";
    return q;
  }

  @Test
  void anEmptyStateLoadsEmpty() throws Exception {
    try (AlertStateStore.Lock lock = store().lock(Duration.ofSeconds(5))) {
      AlertState s = lock.load();
      assertThat(s.problems).isEmpty();
      assertThat(s.outbox).isEmpty();
    }
  }

  @Test
  void problemsAndTheOutboxRoundTripInOrder() throws Exception {
    AlertState s = new AlertState();
    AlertState.Tracked t = new AlertState.Tracked();
    t.key = "expiry:media.hachyderm.io";
    t.fingerprint = "abc";
    t.severity = "critical";
    t.summary = "expires in 3 days";
    t.lines.add("serial 01");
    t.firstSeen = T;
    t.notified.put("discord", T.plusSeconds(5));
    t.notified.put("matrix", T.plusSeconds(6));
    s.problems.put(t.key, t);
    s.outbox.add(queued("b", "matrix", "discord"));
    s.outbox.add(queued("a", "slack"));
    try (AlertStateStore.Lock lock = store().lock(Duration.ofSeconds(5))) {
      lock.save(s);
    }

    try (AlertStateStore.Lock lock = sameStateElsewhere().lock(Duration.ofSeconds(5))) {
      AlertState back = lock.load();
      AlertState.Tracked tb = back.problems.get("expiry:media.hachyderm.io");
      assertThat(tb.fingerprint).isEqualTo("abc");
      assertThat(tb.open).isTrue();
      assertThat(tb.firstSeen).isEqualTo(T);
      assertThat(tb.notified).containsExactly(org.assertj.core.api.Assertions.entry("discord", T.plusSeconds(5)),
          org.assertj.core.api.Assertions.entry("matrix", T.plusSeconds(6)));
      assertThat(back.outbox).extracting(q -> q.message.key()).containsExactly("b", "a");
      AlertState.Queued qb = back.outbox.get(0);
      assertThat(qb.channels).containsExactly("matrix", "discord");
      assertThat(qb.message).isEqualTo(s.outbox.get(0).message);
      assertThat(qb.kind).isEqualTo(AlertState.Kind.FIRING);
      assertThat(qb.failedAttempts).isEqualTo(2);
      assertThat(qb.lastError).isEqualTo("HTTP 502");
      assertThat(qb.queuedAt).isEqualTo(T);
    }
  }

  @Test
  void everySaveIsVisibleAtOnceEvenWhileTheLockIsStillHeld() throws Exception {
    AlertStateStore store = store();
    try (AlertStateStore.Lock lock = store.lock(Duration.ofSeconds(5))) {
      AlertState s = lock.load();
      s.outbox.add(queued("first", "discord"));
      lock.save(s);
      // A crash now must not lose this save: it is already what a fresh reader of the state would see.
      assertThat(peekOutboxKeys()).containsExactly("first");
      s.outbox.add(queued("second", "discord"));
      lock.save(s);
      assertThat(peekOutboxKeys()).containsExactly("first", "second");
    }
  }

  /**
   * The outbox keys as stored right now, read around the lock (by the implementation's own means) so
   * that the test can look while the lock is held.
   */
  protected abstract List<String> peekOutboxKeys() throws IOException;

  @Test
  void aSecondHolderWaitsAndGivesUpAfterItsWaitWithAMessage() throws Exception {
    AlertStateStore other = sameStateElsewhere();
    try (AlertStateStore.Lock held = store().lock(Duration.ofSeconds(5))) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> other.lock(Duration.ofMillis(300))).isInstanceOf(IOException.class)
          .hasMessageContaining("alert state");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250))
          .isLessThan(Duration.ofSeconds(5));
    }
    other.lock(Duration.ofSeconds(1)).close();
  }

  @Test
  void aWaitingHolderGetsTheLockWhenItIsReleased() throws Exception {
    AlertStateStore store = store();
    CompletableFuture<List<String>> second;
    try (AlertStateStore.Lock first = store.lock(Duration.ofSeconds(5))) {
      second = CompletableFuture.supplyAsync(() -> {
        try (AlertStateStore.Lock lock = sameStateElsewhere().lock(Duration.ofSeconds(10))) {
          return lock.load().outbox.stream().map(q -> q.message.key()).toList();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(200);
      assertThat(second).isNotDone();
      AlertState s = first.load();
      s.outbox.add(queued("from-first", "discord"));
      first.save(s);
    }

    assertThat(second.get(10, TimeUnit.SECONDS)).containsExactly("from-first");
  }

  @Test
  void readModifyWriteUnderTheLockLosesNoUpdate() throws Exception {
    List<AlertStateStore> stores = List.of(store(), sameStateElsewhere());
    int perStore = 10;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> work = new ArrayList<>();
    try {
      for (int t = 0; t < 4; t++) {
        AlertStateStore s = stores.get(t % 2);
        int thread = t;
        work.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < perStore; i++) {
            try (AlertStateStore.Lock lock = s.lock(Duration.ofSeconds(30))) {
              AlertState state = lock.load();
              state.outbox.add(queued("t" + thread + "-" + i, "discord"));
              lock.save(state);
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : work) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    try (AlertStateStore.Lock lock = store().lock(Duration.ofSeconds(5))) {
      assertThat(lock.load().outbox).hasSize(4 * perStore);
    }
  }
}
