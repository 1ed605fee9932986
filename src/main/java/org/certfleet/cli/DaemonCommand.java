package org.certfleet.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.certfleet.config.AppConfig;
import org.certfleet.config.ClusterConfig;
import org.certfleet.db.Database;
import org.certfleet.db.Migrations;
import org.certfleet.db.PgCertificateLocks;
import org.certfleet.daemon.Daemon;
import org.certfleet.daemon.SchedulerSetup;
import org.certfleet.store.AtomicFiles;
import picocli.CommandLine.Command;

/** {@code certfleet daemon}: the scheduled service, until SIGTERM. */
@Command(
    name = "daemon",
    description = {
      "Run renewal checks, distribution, the monitoring cycle (inventory, alerts, heartbeat) and the expiry report",
      "on the schedule in certs.yaml, and serve /metrics, /healthz, /readyz and a status page on daemon.listen",
      "(default 127.0.0.1:9464). SIGHUP (or `certfleet reload`) re-reads certs.yaml; SIGTERM stops after the",
      "running step. With a cluster: section, two or three daemons share the schedule and the work through",
      "PostgreSQL (run `certfleet db migrate` first). Exit 0 on a clean stop, 2 for a bad certs.yaml at start."
    })
final class DaemonCommand implements Callable<Integer> {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DaemonCommand.class);
  private final CliContext ctx;

  DaemonCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    AppConfig config = ctx.loadConfig();
    ClusterConfig cluster = config.cluster();
    if (cluster == null) {
      return run(config, new Daemon(ctx::loadConfig, ctx.toolkit(), SchedulerSetup.embedded()));
    }
    // Clustered: Quartz's shared JDBC store, per-certificate locks and the health check on the database. The
    // schema must be current (certfleet db migrate): a daemon never changes it by itself.
    try (Database db = Database.open(cluster, ctx.secrets())) {
      new Migrations(db.dataSource()).requireCurrent();
      Daemon daemon = new Daemon(() -> {
        AppConfig next = ctx.loadConfig();
        if (!cluster.equals(next.cluster())) {
          log.warn("the cluster: section changed; it takes effect when the daemon restarts");
        }
        return next;
      }, ctx.toolkit(), SchedulerSetup.clustered(cluster, ctx.secrets()), new PgCertificateLocks(db),
          () -> db.problem().map(p -> "database unreachable: " + p));
      return run(config, daemon);
    }
  }

  private int run(AppConfig config, Daemon daemon) throws Exception {
    // The pid file is written before the first job can run: a job's state-directory repair removes the
    // temporary files of interrupted writes, and would take this one's in flight.
    Path pid = pidFile(config.stateDir());
    AtomicFiles.privateDir(config.stateDir());
    AtomicFiles.write(pid, (ProcessHandle.current().pid() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        AtomicFiles.PRIVATE_FILE);
    try {
      daemon.start();
    } catch (Exception | Error e) {
      Files.deleteIfExists(pid);
      throw e;
    }
    ctx.err().println("certfleet daemon: pid " + ProcessHandle.current().pid() + ", status on http://"
        + daemon.address().getHostString() + ":" + daemon.address().getPort() + "/"
        + (config.clustered() ? " (clustered)" : ""));
    ctx.err().flush();
    try {
      return daemon.runUntilStopped();
    } finally {
      Files.deleteIfExists(pid);
    }
  }

  static Path pidFile(Path stateDir) {
    return stateDir.resolve("daemon.pid");
  }
}
