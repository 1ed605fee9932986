package org.certfleet.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.certfleet.config.AppConfig;
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
      "running step. Exit 0 on a clean stop, 2 for a bad certs.yaml at start."
    })
final class DaemonCommand implements Callable<Integer> {
  private final CliContext ctx;

  DaemonCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    AppConfig config = ctx.loadConfig();
    Daemon daemon = new Daemon(ctx::loadConfig, ctx.toolkit(), SchedulerSetup.embedded());
    daemon.start();
    Path pid = pidFile(config.stateDir());
    AtomicFiles.write(pid, (ProcessHandle.current().pid() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        AtomicFiles.PRIVATE_FILE);
    ctx.err().println("certfleet daemon: pid " + ProcessHandle.current().pid() + ", status on http://"
        + daemon.address().getHostString() + ":" + daemon.address().getPort() + "/");
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
