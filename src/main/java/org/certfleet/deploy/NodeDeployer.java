package org.certfleet.deploy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.certfleet.audit.AuditEntry;
import org.certfleet.audit.AuditLog;
import org.certfleet.cert.CertFacts;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.cert.DnsName;
import org.certfleet.config.CertSpec;
import org.certfleet.config.NodeSpec;
import org.certfleet.probe.Endpoint;
import org.certfleet.probe.ProbeResult;
import org.certfleet.probe.TlsProber;
import org.certfleet.ssh.ExecIncompleteException;
import org.certfleet.ssh.ExecResult;
import org.certfleet.ssh.NodeAccessException;
import org.certfleet.ssh.NodeSession;
import org.certfleet.time.Sleeper;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One certificate onto one node, as a transaction: inspect, stage, switch, test, reload, verify by
 * TLS; any failure after the switch restores the previous files and reloads again. The node is never
 * left pointing at files that fail the test command, and the new files are removed only when the
 * node is verified to serve the old certificate again, so nginx never serves a certificate whose key
 * file is gone.
 */
final class NodeDeployer {
  private static final Logger log = LoggerFactory.getLogger(NodeDeployer.class);
  private static final Duration PROBE_INTERVAL = Duration.ofMillis(100);
  /**
   * A reload command returns before the server has switched (nginx's master re-reads its config after
   * the signal): a probe at once nearly always sees the old certificate and costs a full handshake on
   * both ends. The first probe after a reload waits this long; later ones every {@link #PROBE_INTERVAL}.
   */
  private static final Duration RELOAD_SETTLE = Duration.ofMillis(50);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  private final TlsProber prober;
  private final AuditLog audit;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration verifyTimeout;

  NodeDeployer(TlsProber prober, AuditLog audit, Clock clock, Sleeper sleeper, Duration verifyTimeout) {
    this.prober = prober;
    this.audit = audit;
    this.clock = clock;
    this.sleeper = sleeper;
    this.verifyTimeout = verifyTimeout;
  }

  /** The transaction; {@code session} is open. Never throws for node faults: the result says. */
  NodeResult deploy(NodeSession session, CertSpec spec, CertificateBundle bundle, int version, Instant started)
      throws InterruptedException {
    NodeSpec node = session.node();
    CertFacts next = bundle.facts();
    String cert = spec.name().value();
    RemoteLayout layout = RemoteLayout.of(node, spec.name());
    Tx tx = new Tx(cert, node, next, version, started);
    Optional<CertFacts> before;
    try {
      before = layout.current(session);
    } catch (NodeAccessException e) {
      return tx.fail(DeployStep.INSPECT, e.getMessage());
    }
    tx.from = before.orElse(null);
    if (before.isPresent() && before.get().sha256().equals(next.sha256())
        && firstMismatch(node, spec, next.sha256(), Duration.ZERO) == null) {
      log.info("{} on {}: already holds and serves serial {}", cert, node.name(), next.serial());
      return tx.result(NodeStatus.CURRENT, DeployStep.DONE, null);
    }

    tx.step = DeployStep.UPLOAD;
    log.info("{} on {}: uploading version {} (serial {})", cert, node.name(), version, next.serial());
    // The shell that is to run the test and the reload starts now and waits: the node's login shell
    // (rc files and all, a large share of the node's work) overlaps the upload. It runs nothing unless
    // told to after the switch; when it cannot be started, the test starts its own.
    NodeSession.PreparedExec shell = null;
    try {
      shell = session.prepare(testAndReloadCommands(node));
    } catch (NodeAccessException e) {
      log.debug("{} on {}: {}", cert, node.name(), e.getMessage());
    }
    try {
      return install(session, spec, bundle, layout, tx, shell);
    } finally {
      if (shell != null) {
        shell.close();
      }
    }
  }

  /** Stages, switches, tests and reloads, verifies; rolls back what fails. */
  private NodeResult install(NodeSession session, CertSpec spec, CertificateBundle bundle, RemoteLayout layout, Tx tx,
      NodeSession.@Nullable PreparedExec shell) throws InterruptedException {
    NodeSpec node = tx.node;
    CertFacts next = tx.next;
    RemoteLayout.Staged staged;
    try {
      staged = layout.stage(session, bundle);
    } catch (NodeAccessException e) {
      tx.audit("upload", null, e.getMessage());
      return tx.fail(DeployStep.UPLOAD, e.getMessage());
    }
    for (String f : staged.files()) {
      tx.audit("upload", f, "ok");
    }

    tx.step = DeployStep.SWITCH;
    try {
      layout.activate(session, staged);
      tx.audit("switch", staged.target(), "ok");
    } catch (NodeAccessException e) {
      tx.audit("switch", staged.target(), e.getMessage());
      return tx.fail(DeployStep.SWITCH, e.getMessage() + discard(session, layout, staged, tx));
    }

    tx.step = DeployStep.TEST;
    Failed failed = testAndReload(session, tx, shell);
    if (failed != null && failed.step() == DeployStep.TEST) {
      // Nothing was reloaded: restoring the files is the whole rollback.
      return tx.fail(DeployStep.TEST, failed.problem() + restoreFiles(session, layout, staged, tx)
          + discard(session, layout, staged, tx));
    }

    tx.step = DeployStep.RELOAD;
    String problem = failed == null ? null : failed.problem();
    if (problem == null) {
      tx.step = DeployStep.VERIFY;
      String mismatch = firstMismatch(node, spec, next.sha256(), verifyTimeout);
      if (mismatch == null) {
        tx.audit("verify", null, "serving serial " + next.serial());
        log.info("{} on {}: serving serial {} ({} ms)", tx.cert, node.name(), next.serial(),
            Duration.between(tx.started, clock.instant()).toMillis());
        return tx.result(NodeStatus.DEPLOYED, DeployStep.DONE, null);
      }
      problem = mismatch;
      tx.audit("verify", null, mismatch);
    }
    return tx.fail(tx.step, problem + rollBack(session, layout, staged, spec, tx));
  }

  /** Restores the files, tests, reloads, and checks that the previous certificate is served again. */
  private String rollBack(NodeSession s, RemoteLayout layout, RemoteLayout.Staged staged, CertSpec spec, Tx tx)
      throws InterruptedException {
    String restored = restoreFiles(s, layout, staged, tx);
    if (!restored.isEmpty()) {
      return restored;
    }
    NodeSpec node = tx.node;
    Failed failed = testAndReload(s, tx, null);
    if (failed != null && failed.step() == DeployStep.TEST) {
      return "; rolled back files, but the test command fails on the restored files too (" + failed.problem()
          + "), not reloading; new files kept";
    }
    if (failed != null) {
      return "; rolled back files, reload after rollback failed (" + failed.problem() + "); new files kept";
    }
    if (tx.from == null) {
      return "; rolled back (the node had no previous certificate to verify)" + discard(s, layout, staged, tx);
    }
    String mismatch = firstMismatch(node, spec, tx.from.sha256(), verifyTimeout);
    if (mismatch != null) {
      tx.audit("rollback", null, "not verified: " + mismatch);
      return "; rolled back, but the previous certificate is not served again (" + mismatch + "); new files kept";
    }
    tx.audit("rollback", null, "serving serial " + tx.from.serial() + " again");
    return "; rolled back, serving serial " + tx.from.serial() + " again" + discard(s, layout, staged, tx);
  }

  private String restoreFiles(NodeSession s, RemoteLayout layout, RemoteLayout.Staged staged, Tx tx) {
    try {
      layout.restore(s, staged);
      tx.audit("restore", staged.target(), "ok");
      return "";
    } catch (NodeAccessException e) {
      tx.audit("restore", staged.target(), e.getMessage());
      return "; ROLLBACK FAILED: " + e.getMessage();
    }
  }

  private String discard(NodeSession s, RemoteLayout layout, RemoteLayout.Staged staged, Tx tx) {
    try {
      layout.discard(s, staged);
      for (String f : staged.files()) {
        tx.audit("remove", f, "ok");
      }
      return "";
    } catch (NodeAccessException e) {
      return "; could not remove the staged files: " + e.getMessage();
    }
  }

  /**
   * Runs the test command and, only when it succeeds, the reload command, both in one shell on the
   * node ({@code shell} when one was prepared, else a new one); null when both succeeded, else the
   * step that failed and what went wrong on one line. Each command gets its own audit entry, as if
   * run alone.
   */
  private @Nullable Failed testAndReload(NodeSession s, Tx tx, NodeSession.@Nullable PreparedExec shell) {
    List<String> commands = testAndReloadCommands(tx.node);
    List<ExecResult> results;
    try {
      results = shell != null ? shell.run() : s.execAll(commands);
    } catch (NodeAccessException e) {
      List<ExecResult> finished = e instanceof ExecIncompleteException x ? x.finished() : List.of();
      finished.forEach(r -> tx.auditCommand(r.command(), "ok"));
      tx.auditCommand(commands.get(finished.size()), e.getMessage());
      return new Failed(finished.isEmpty() ? DeployStep.TEST : DeployStep.RELOAD, e.getMessage());
    }
    for (int i = 0; i < results.size(); i++) {
      ExecResult r = results.get(i);
      tx.auditCommand(r.command(), r.ok() ? "ok" : "exit " + r.exitStatus() + ": " + r.summary());
      if (!r.ok()) {
        return new Failed(i == 0 ? DeployStep.TEST : DeployStep.RELOAD,
            "`" + r.command() + "` failed (exit " + r.exitStatus() + "): " + r.summary());
      }
    }
    return null;
  }

  /** A step that failed, and why. */
  private record Failed(DeployStep step, String problem) {}

  private static List<String> testAndReloadCommands(NodeSpec node) {
    return List.of(command(node, node.testCommand()), command(node, node.reloadCommand()));
  }

  static String command(NodeSpec node, String command) {
    return node.sudo() ? "sudo -n " + command : command;
  }

  /**
   * Probes every name of the certificate on the node until each serves {@code sha256} or {@code
   * patience} has passed; returns null when all do, else the first mismatch. A non-zero patience means
   * a reload just happened: the first probe waits {@link #RELOAD_SETTLE}.
   */
  private @Nullable String firstMismatch(NodeSpec node, CertSpec spec, String sha256, Duration patience)
      throws InterruptedException {
    Instant deadline = clock.instant().plus(patience);
    if (!patience.isZero()) {
      sleeper.sleep(RELOAD_SETTLE);
    }
    List<DnsName> pending = new ArrayList<>(spec.names());
    String last = null;
    while (true) {
      for (var it = pending.iterator(); it.hasNext(); ) {
        DnsName name = it.next();
        String sni = name.value().startsWith("*.") ? "certfleet-probe" + name.value().substring(1) : name.value();
        ProbeResult r = prober.probe(new Endpoint(node.address(), node.probePort(), sni), PROBE_TIMEOUT);
        if (r.ok() && r.leaf().map(CertFacts::sha256).filter(sha256::equals).isPresent()) {
          it.remove();
        } else {
          last = r.endpoint() + (r.ok() ? " serves serial " + r.leaf().map(CertFacts::serial).orElse("?")
              + ", not the expected certificate" : ": " + r.error());
          break;
        }
      }
      if (pending.isEmpty()) {
        return null;
      }
      if (!clock.instant().isBefore(deadline)) {
        return last;
      }
      sleeper.sleep(PROBE_INTERVAL);
    }
  }

  /** The running state of one transaction, and how it is reported. */
  private final class Tx {
    final String cert;
    final NodeSpec node;
    final CertFacts next;
    final int version;
    final Instant started;
    @Nullable CertFacts from;
    DeployStep step = DeployStep.INSPECT;

    Tx(String cert, NodeSpec node, CertFacts next, int version, Instant started) {
      this.cert = cert;
      this.node = node;
      this.next = next;
      this.version = version;
      this.started = started;
    }

    NodeResult fail(DeployStep at, String error) {
      log.warn("{} on {}: failed at {}: {}", cert, node.name(), at.label(), error);
      return result(NodeStatus.FAILED, at, error);
    }

    NodeResult result(NodeStatus status, DeployStep at, @Nullable String detail) {
      return new NodeResult(cert, node.name(), status, at, from == null ? null : from.serial(), next.serial(), version,
          Duration.between(started, clock.instant()), detail);
    }

    void audit(String action, @Nullable String file, String result) {
      audit.append(new AuditEntry(clock.instant(), action, cert, node.name(), file,
          from == null ? null : from.serial() + " " + from.sha256(), next.serial() + " " + next.sha256(), null, result));
    }

    void auditCommand(String command, String result) {
      audit.append(new AuditEntry(clock.instant(), "command", cert, node.name(), null, null, null, command, result));
    }
  }
}
