package org.certfleet.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.certfleet.db.Migrations.Migration;
import org.certfleet.testing.pg.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real PostgreSQL: a fresh database per test. */
class MigrationsTest {
  private PostgresServer.Db db;
  private HikariDataSource ds;

  @BeforeEach
  void database() {
    db = PostgresServer.shared().newDatabase();
    ds = pool(db);
  }

  @AfterEach
  void close() {
    ds.close();
  }

  static HikariDataSource pool(PostgresServer.Db db) {
    HikariDataSource ds = new HikariDataSource();
    ds.setJdbcUrl(db.jdbcUrl());
    ds.setUsername(db.user());
    ds.setPassword(db.password());
    ds.setMaximumPoolSize(3);
    ds.setConnectionTimeout(10_000);
    return ds;
  }

  private static final Migration V1 = new Migration(1, "one", "CREATE TABLE one (x int); INSERT INTO one VALUES (1);");
  private static final Migration V2 = new Migration(2, "two", "CREATE TABLE two (y text);");

  private Migrations migrations(Migration... ms) {
    return new Migrations(ds, List.of(ms), Duration.ofSeconds(30));
  }

  @Test
  void theShippedScriptsCreateQuartzTablesWithoutDroppingAnything() throws SQLException {
    Migrations real = new Migrations(ds);
    assertThat(real.migrations()).first().satisfies(m -> {
      assertThat(m.label()).isEqualTo("V1__quartz");
      String statements = m.sql().lines().filter(l -> !l.startsWith("--")).reduce("", (a, b) -> a + b + "\n");
      assertThat(statements.toUpperCase(java.util.Locale.ROOT)).doesNotContain("DROP").doesNotContain("COMMIT")
          .contains("CREATE TABLE QRTZ_LOCKS");
    });
    assertThatThrownBy(real::requireCurrent).isInstanceOf(MigrationException.class)
        .hasMessage("the database schema is at version 0, this certfleet needs " + real.latest()
            + ": run `certfleet db migrate` first");

    assertThat(real.migrate()).extracting(Migration::label).startsWith("V1__quartz");
    real.requireCurrent();
    assertThat(tables()).contains("qrtz_job_details", "qrtz_triggers", "qrtz_locks", "qrtz_fired_triggers",
        "qrtz_scheduler_state", Migrations.TABLE);
    // Idempotent: nothing left to do, nothing changed.
    assertThat(real.migrate()).isEmpty();
    assertThat(real.status().upToDate()).isTrue();
  }

  @Test
  void appliesWhatIsMissingInOrderAndRecordsIt() throws SQLException {
    assertThat(migrations(V1).migrate()).containsExactly(V1);
    assertThat(migrations(V2, V1).status()).isEqualTo(new Migrations.Status(1, 2, List.of(V2)));
    assertThat(migrations(V2, V1).migrate()).containsExactly(V2);
    assertThat(migrations(V1, V2).migrate()).isEmpty();
    assertThat(query("SELECT version || ':' || name FROM " + Migrations.TABLE + " ORDER BY version"))
        .containsExactly("1:one", "2:two");
  }

  @Test
  void aFailingScriptIsRolledBackWholeAndNamed() throws SQLException {
    Migration bad = new Migration(2, "bad", "CREATE TABLE half (x int); SELECT * FROM no_such_table;");
    assertThatThrownBy(() -> migrations(V1, bad).migrate()).isInstanceOf(MigrationException.class)
        .hasMessageStartingWith("migration V2__bad failed and was rolled back: ")
        .hasMessageContaining("no_such_table");
    // V1 stays applied (its own transaction), V2 left nothing behind.
    assertThat(tables()).contains("one").doesNotContain("half");
    assertThat(migrations(V1, bad).status().current()).isEqualTo(1);
    // The lock was released: the fixed script applies.
    assertThat(migrations(V1, V2).migrate()).containsExactly(V2);
  }

  @Test
  void aDatabaseNewerThanTheCodeIsRefusedUntouched() throws SQLException {
    migrations(V1, V2).migrate();
    Migrations older = migrations(V1);
    String expected = "the database schema is at version 2 but this certfleet knows only up to 1: upgrade certfleet"
        + " (a newer version migrated this database)";
    assertThatThrownBy(older::migrate).isInstanceOf(MigrationException.class).hasMessage(expected);
    assertThatThrownBy(older::status).hasMessage(expected);
    assertThatThrownBy(older::requireCurrent).hasMessage(expected);
    assertThat(query("SELECT count(*) FROM " + Migrations.TABLE)).containsExactly("2");
  }

  @Test
  void aChangedOrSkippedScriptIsRefused() throws SQLException {
    Migration v3 = new Migration(3, "three", "SELECT 1");
    migrations(V1, v3).migrate();
    Migration edited = new Migration(1, "one", V1.sql() + " -- edited");
    assertThatThrownBy(() -> migrations(edited, v3).migrate()).isInstanceOf(MigrationException.class)
        .hasMessage("migration V1__one was changed after it was applied (recorded as V1__one): applied scripts must"
            + " never change; add a new one");
    assertThatThrownBy(() -> migrations(V1, V2, v3).migrate()).isInstanceOf(MigrationException.class)
        .hasMessage("migration V2__two is older than the applied version 3 but was never applied: the scripts are out"
            + " of order");
    assertThat(tables()).doesNotContain("two");
  }

  @Test
  void twoInstancesMigratingAtOnceApplyEachScriptOnce() throws Exception {
    Migration slow = new Migration(1, "slow", "SELECT pg_sleep(1); CREATE TABLE slow (x int);");
    Migration after = new Migration(2, "after", "INSERT INTO slow VALUES (1);");
    int n = 3;
    List<HikariDataSource> pools = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CyclicBarrier start = new CyclicBarrier(n);
      List<Future<List<Migration>>> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        HikariDataSource p = pool(db);
        pools.add(p);
        Callable<List<Migration>> task = () -> {
          start.await(10, TimeUnit.SECONDS);
          return new Migrations(p, List.of(slow, after), Duration.ofSeconds(30)).migrate();
        };
        results.add(pool.submit(task));
      }
      List<Migration> applied = new ArrayList<>();
      for (Future<List<Migration>> f : results) {
        applied.addAll(f.get(60, TimeUnit.SECONDS));
      }
      assertThat(applied).containsExactlyInAnyOrder(slow, after);
      assertThat(query("SELECT count(*) FROM slow")).containsExactly("1");
    } finally {
      pool.shutdownNow();
      pools.forEach(HikariDataSource::close);
    }
  }

  @Test
  void theMigrationLockWaitIsBounded() throws SQLException {
    try (Connection holder = db.connect(); Statement st = holder.createStatement()) {
      st.execute("SELECT pg_advisory_lock(" + AdvisoryLocks.key("certfleet", "schema-migration") + ")");
      Migrations impatient = new Migrations(ds, List.of(V1), Duration.ofMillis(500));
      long t0 = System.nanoTime();
      assertThatThrownBy(impatient::migrate).isInstanceOf(MigrationException.class)
          .hasMessage("another instance has held the migration lock for over 0 s; try again when its migration has finished");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }
    // The pooled connection kept no lock_timeout: a statement may wait again.
    try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW lock_timeout")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("0");
    }
    assertThat(migrations(V1).migrate()).containsExactly(V1);
  }

  @Test
  void fileNamesMustFollowThePattern() {
    assertThat(Migrations.parse("V12__state_tables.sql", "x")).isEqualTo(new Migration(12, "state_tables", "x"));
    for (String bad : List.of("V2_state.sql", "v2__state.sql", "V0__zero.sql", "V2__state.SQL", "README.md")) {
      assertThatThrownBy(() -> Migrations.parse(bad, "x")).as(bad).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is not named V<version>__<name>.sql");
    }
    assertThatThrownBy(() -> migrations(V1, new Migration(1, "again", "SELECT 1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("two migrations with version 1: V1__one, V1__again");
  }

  @Test
  void advisoryLockKeysAreStable() {
    // Fixed values: every instance, of every version, must lock the same key for the same name.
    assertThat(AdvisoryLocks.key("cert", "media.hachyderm.io")).isEqualTo(AdvisoryLocks.key("cert", "media.hachyderm.io"))
        .isNotEqualTo(AdvisoryLocks.key("cert", "hachyderm.io"))
        .isNotEqualTo(AdvisoryLocks.key("other", "media.hachyderm.io"));
    assertThat(AdvisoryLocks.key("a", "bc")).isNotEqualTo(AdvisoryLocks.key("ab", "c"));
    assertThat(AdvisoryLocks.key("certfleet", "schema-migration")).isEqualTo(KEY);
  }

  private static final long KEY = 8582633091876542559L;

  private List<String> tables() throws SQLException {
    return query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
  }

  private List<String> query(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
