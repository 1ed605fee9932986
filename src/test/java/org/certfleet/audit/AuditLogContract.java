package org.certfleet.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What every {@link AuditLog} does: the state directory's file and the shared database's table. */
public abstract class AuditLogContract {
  protected static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

  /** An empty log at the start of each test. */
  protected abstract AuditLog log() throws IOException;

  /** Another handle on the same log, as another instance would open it. */
  protected abstract AuditLog sameLogElsewhere() throws IOException;

  static AuditEntry entry(int i) {
    return new AuditEntry(T.plusSeconds(i), "upload", "media.hachyderm.io", "sally", "/etc/ssl/x" + i + ".pem", null,
        "serial 0" + i, null, "ok");
  }

  @Test
  void anEmptyLogReadsEmpty() throws IOException {
    assertThat(log().read()).isEmpty();
    assertThat(log().recent(5)).isEmpty();
  }

  @Test
  void entriesReadBackWholeOldestFirst() throws IOException {
    AuditLog log = log();
    AuditEntry full = new AuditEntry(T, "command", "media.hachyderm.io", "cdn-frankfurt-1", "/etc/nginx/x.pem",
        "serial 01 sha256 aa", "serial 02 sha256 bb", "nginx -t && systemctl reload nginx", "exit 1: nginx: [emerg] ünïcode");
    AuditEntry sparse = new AuditEntry(T.plusSeconds(1), "rollback", "media.hachyderm.io", "", null, null, null, null, "ok");

    log.append(full);
    log.append(sparse);

    assertThat(sameLogElsewhere().read()).containsExactly(full, sparse);
  }

  @Test
  void recentGivesTheLastEntriesOldestFirst() throws IOException {
    AuditLog log = log();
    for (int i = 0; i < 7; i++) {
      log.append(entry(i));
    }

    assertThat(log.recent(3)).containsExactly(entry(4), entry(5), entry(6));
    assertThat(log.recent(20)).hasSize(7).first().isEqualTo(entry(0));
  }

  @Test
  void concurrentAppendsFromTwoHandlesAreAllKept() throws Exception {
    List<AuditLog> logs = List.of(log(), sameLogElsewhere());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> work = new ArrayList<>();
    try {
      for (int t = 0; t < 4; t++) {
        AuditLog l = logs.get(t % 2);
        int base = t * 100;
        work.add(pool.submit(() -> {
          for (int i = 0; i < 25; i++) {
            l.append(entry(base + i));
          }
        }));
      }
      for (Future<?> f : work) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<AuditEntry> all = log().read();
    assertThat(all).hasSize(100).doesNotHaveDuplicates();
    for (int t = 0; t < 4; t++) {
      int base = t * 100;
      List<AuditEntry> mine = all.stream().filter(e -> {
        long s = e.time().getEpochSecond() - T.getEpochSecond();
        return s >= base && s < base + 25;
      }).toList();
      assertThat(mine).as("one writer's entries keep their order").isSortedAccordingTo(Comparator.comparing(AuditEntry::time));
    }
  }
}
