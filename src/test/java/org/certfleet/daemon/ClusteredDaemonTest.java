package org.certfleet.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.certfleet.alert.AlertChannels;
import org.certfleet.cert.CertName;
import org.certfleet.config.AppConfig;
import org.certfleet.config.ConfigLoader;
import org.certfleet.config.SecretResolver;
import org.certfleet.db.AdvisoryLocks;
import org.certfleet.db.Database;
import org.certfleet.db.Migrations;
import org.certfleet.db.PgCertificateLocks;
import org.certfleet.dns.DnsProviders;
import org.certfleet.dns.exec.ExecFactory;
import org.certfleet.operation.Toolkit;
import org.certfleet.store.FileCertificateStore;
import org.certfleet.testing.acme.AcmeFake;
import org.certfleet.testing.pg.PostgresServer;
import org.certfleet.web.JobStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One clustered daemon in-process on a real PostgreSQL: Quartz's JDBC store, the schedule kept across a
 * restart (no trigger replaced, armed checks kept), the certificate lock, the database health check.
 * Two instances at once, kill -9 and a database outage are in {@code ClusterIT} (separate processes).
 */
@Timeout(180)
class ClusteredDaemonTest {
  @TempDir Path dir;
  AcmeFake ca;
  PostgresServer.Db db;
  Path config;
  Database database;
  Daemon daemon;
  final List<Daemon> started = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    ca = AcmeFake.start(dir, Clock.systemUTC()).preValidate("media.hachyderm.io").preValidate("files.hachyderm.io");
    db = PostgresServer.shared().newDatabase();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    config = dir.resolve("certs.yaml");
    Files.writeString(config, """
        acme: {directory: "%s", email: ops@hachyderm.io, agree-to-terms: true, ca-certificates: "%s"}
        dns:
          providers:
            - {name: unused, type: exec, options: {command: /bin/false}}
        certificates:
          - {name: media.hachyderm.io, domains: [media.hachyderm.io], deploy-to: []}
        nodes: []
        daemon: {listen: "127.0.0.1:%d", stop-timeout: 30s}
        state: {dir: "%s"}
        cluster:
          jdbc-url: "%s"
          user: %s
          password: ${env:DB_PASSWORD}
          encryption-key: ${env:STATE_KEY}
          check-in-interval: 2s
        """.formatted(ca.directory(), ca.tlsCaFile(), port, dir.resolve("state"), db.jdbcUrl(), db.user()));
    database = Database.open(load().cluster(), secrets());
    new Migrations(database.dataSource()).migrate();
  }

  @AfterEach
  void stop() throws Exception {
    for (Daemon d : started) {
      d.stop();
    }
    database.close();
    ca.close();
  }

  /** The cluster's state encryption key: the same for every instance of one test, as in production. */
  final String stateKey = java.util.Base64.getEncoder().encodeToString(new java.security.SecureRandom().generateSeed(32));

  SecretResolver secrets() {
    return new SecretResolver(Map.of("DB_PASSWORD", db.password(), "STATE_KEY", stateKey)::get);
  }

  AppConfig load() {
    return new ConfigLoader(new DnsProviders(List.of(new ExecFactory(dir))), AlertChannels.standard()).load(config);
  }

  Daemon daemon() {
    Toolkit kit = new Toolkit(secrets(), Clock.systemUTC(), d -> Thread.sleep(d.toMillis()),
        new DnsProviders(List.of(new ExecFactory(dir))));
    AppConfig cfg = load();
    daemon = new Daemon(this::load, kit, SchedulerSetup.clustered(cfg.cluster(), secrets()), new PgCertificateLocks(database),
        () -> database.problem().map(p -> "database unreachable: " + p));
    started.add(daemon);
    return daemon;
  }

  JobStatus job(String name) {
    return daemon.snapshot().jobs().stream().filter(j -> j.name().equals(name)).findFirst().orElse(null);
  }

  boolean ran(String job) {
    JobStatus j = job(job);
    return j != null && j.lastOutcome() != null && !j.lastOutcome().equals("running");
  }

  @Test
  void schedulesInTheDatabaseAndARestartKeepsUnchangedTriggers() throws Exception {
    daemon().start();
    // The shared state is in the database: the certificate is there, and nothing in the local state directory.
    DaemonTest.await("media.hachyderm.io issued", () -> !query(
        "SELECT name FROM certfleet_lineage WHERE name = 'media.hachyderm.io' AND current_version = 1").isEmpty());
    assertThat(FileCertificateStore.readOnly(dir.resolve("state")).find(new CertName("media.hachyderm.io"))).isEmpty();
    assertThat(query("SELECT count(*) FROM certfleet_acme_account")).containsExactly("1");
    DaemonTest.await("the renewal job recorded", () -> ran("renew:media.hachyderm.io"));
    assertThat(job("renew:media.hachyderm.io").lastOutcome()).startsWith("renewed: ");
    assertThat(query("SELECT job_name FROM qrtz_job_details WHERE sched_name = 'certfleet' ORDER BY job_name"))
        .containsExactly("renew:media.hachyderm.io", "report", "watch");
    assertThat(query("SELECT count(*) FROM qrtz_scheduler_state WHERE sched_name = 'certfleet'")).containsExactly("1");
    // The check the renewal armed for later (days away), and the cron trigger's next fire.
    DaemonTest.await("the next check armed", () -> !query(
        "SELECT trigger_name FROM qrtz_triggers WHERE trigger_name = 'renew:media.hachyderm.io:at'").isEmpty());
    String crons = "SELECT trigger_name || '=' || next_fire_time || '/' || start_time FROM qrtz_triggers"
        + " WHERE trigger_name LIKE '%:cron' ORDER BY trigger_name";
    List<String> before = query(crons);
    assertThat(before).hasSize(3);

    assertThat(daemon.stop()).isTrue();
    Thread.sleep(1100); // a replaced cron trigger would get a new start time
    daemon().start();
    DaemonTest.await("the monitoring cycle after the restart", () -> ran("watch"));
    assertThat(query(crons)).as("unchanged cron triggers are not replaced: same start, same next fire").isEqualTo(before);
    assertThat(ca.newOrderCount()).isEqualTo(1);

    // A changed schedule replaces exactly that trigger; a removed certificate's job goes.
    Files.writeString(config, Files.readString(config).replace("daemon: {", "schedule: {report: \"0 0 10 ? * MON\"}\ndaemon: {"));
    assertThat(daemon.reload()).isTrue();
    assertThat(query("SELECT cron_expression FROM qrtz_cron_triggers WHERE trigger_name = 'report:cron'"))
        .containsExactly("0 0 10 ? * MON");
    assertThat(query("SELECT trigger_name FROM qrtz_triggers WHERE trigger_name = 'renew:media.hachyderm.io:at'")).hasSize(1);
  }

  @Test
  void aCertificateLockedByAnotherInstanceIsSkippedAndRetried() throws Exception {
    long key = AdvisoryLocks.key("certificate", "media.hachyderm.io");
    try (Connection other = db.connect(); Statement st = other.createStatement()) {
      st.execute("SELECT pg_advisory_lock(" + key + ")");
      daemon().start();
      DaemonTest.await("the renewal check ran", () -> ran("renew:media.hachyderm.io"));
      assertThat(job("renew:media.hachyderm.io").lastOutcome())
          .isEqualTo("skipped: another instance is working on media.hachyderm.io");
      daemon.checkHealth(); // refreshes the next fire times read from the shared store
      assertThat(job("renew:media.hachyderm.io").nextRun()).as("retried a minute later")
          .isBetween(Instant.now().plusSeconds(30), Instant.now().plus(Daemon.LOCKED_RETRY).plusSeconds(5));
      assertThat(ca.newOrderCount()).isZero();
    }
    // Released (here by the session's end): the lock is the daemon's again, and so is nothing left held.
    try (Connection c = db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }

  @Test
  void theHealthCheckMakesTheDaemonDegradedAndRecovered() throws Exception {
    String[] problem = {null};
    Toolkit kit = new Toolkit(secrets(), Clock.systemUTC(), d -> Thread.sleep(d.toMillis()),
        new DnsProviders(List.of(new ExecFactory(dir))));
    daemon = new Daemon(this::load, kit, SchedulerSetup.embedded(), org.certfleet.store.CertificateLocks.LOCAL,
        () -> java.util.Optional.ofNullable(problem[0]));
    started.add(daemon);
    daemon.start();
    daemon.checkHealth();
    assertThat(daemon.snapshot().degraded()).isNull();
    problem[0] = "database unreachable: Connection refused";
    daemon.checkHealth();
    assertThat(daemon.snapshot().degraded()).isEqualTo("database unreachable: Connection refused");
    problem[0] = null;
    daemon.checkHealth();
    assertThat(daemon.snapshot().degraded()).isNull();
    assertThat(Duration.ofSeconds(5)).isEqualTo(Daemon.HEALTH_EVERY);
  }

  List<String> query(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
