package org.certfleet.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import org.certfleet.alert.AlertMessage;
import org.certfleet.audit.AuditLog;
import org.certfleet.config.AppConfig;
import org.certfleet.config.CertSpec;
import org.certfleet.deploy.Distributor;
import org.certfleet.deploy.HookRunner;
import org.certfleet.deploy.NodeResult;
import org.certfleet.deploy.NodeStatus;
import org.certfleet.probe.JdkTlsProber;
import org.certfleet.ssh.SshConnector;
import org.certfleet.store.CertificateStore;
import org.jspecify.annotations.Nullable;

/** Wires a {@link Distributor} for one command run and renders its report; shared by distribute and renew. */
final class Deployment {
  private Deployment() {}

  /**
   * Starts the SSH client (about 800 classes and a security provider) and the JDK's TLS stack on another
   * thread, so they load while the config is read and the store is opened: a third of a one-node
   * rollout's wall time otherwise.
   */
  static CompletableFuture<SshConnector> warmUp(CliContext ctx) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, null, null);
        tls.createSSLEngine();
      } catch (GeneralSecurityException | RuntimeException e) {
        // only a warm-up: the prober reports TLS problems where they matter
      }
      return new SshConnector(ctx.secrets());
    });
  }

  /** Waits for {@link #warmUp}'s client and stops it. */
  static void close(CompletableFuture<SshConnector> ssh) {
    try {
      ssh.join().close();
    } catch (java.util.concurrent.CompletionException e) {
      // it never started; nothing to stop
    }
  }

  static Distributor.Report run(CliContext ctx, AppConfig config, CertificateStore store, List<CertSpec> certs,
      List<String> nodes, boolean dryRun, CompletableFuture<SshConnector> ssh) throws IOException, InterruptedException {
    AuditLog audit = AuditLog.inStateDir(config.stateDir());
    HookRunner hooks = new HookRunner(config.deploy().hookTimeout(), config.source().toAbsolutePath().getParent(), audit,
        ctx.clock());
    try (Distributor d = new Distributor(config, store, ssh.join(), new JdkTlsProber(ctx.clock()), audit, hooks,
        ctx.clock(), ctx.sleeper())) {
      Distributor.Report report = d.distribute(certs, nodes, dryRun);
      if (!dryRun) {
        alertFailures(ctx, config, report);
      }
      return report;
    }
  }

  /**
   * One chat message per certificate whose rollout left a node without it or whose hook failed: the
   * node, the step and the error of each, so the operator does not have to go looking.
   */
  static void alertFailures(CliContext ctx, AppConfig config, Distributor.Report report) throws InterruptedException {
    if (config.alerts().channels().isEmpty()) {
      return;
    }
    Map<String, List<String>> lines = new LinkedHashMap<>();
    Map<String, int[]> counts = new LinkedHashMap<>();
    for (NodeResult r : report.nodes()) {
      int[] c = counts.computeIfAbsent(r.cert(), k -> new int[2]);
      c[1]++;
      if (!r.status().good()) {
        c[0]++;
        lines.computeIfAbsent(r.cert(), k -> new ArrayList<>()).add("- " + r.node() + ": " + r.status().label()
            + " at " + r.step().label() + ": " + r.detail());
      }
    }
    for (HookRunner.HookResult h : report.hooks()) {
      if (!h.ok()) {
        lines.computeIfAbsent(h.cert(), k -> new ArrayList<>()).add("- hook " + h.hook() + ": " + h.error());
      }
    }
    for (Map.Entry<String, List<String>> e : lines.entrySet()) {
      int[] c = counts.getOrDefault(e.getKey(), new int[2]);
      String summary = c[0] > 0
          ? "certfleet: " + e.getKey() + " is not served by " + c[0] + " of " + c[1] + " node(s) after distribution"
          : "certfleet: a deploy hook failed after distributing " + e.getKey();
      ctx.alert(config, new AlertMessage("DEPLOY_FAILED:" + e.getKey(), c[0] == c[1] ? "critical" : "warning", summary,
          e.getValue()));
    }
  }

  /** The per-node table and hook lines, or JSON. */
  static void print(CliContext ctx, Distributor.Report report) {
    if (ctx.json()) {
      ctx.printJson(report);
      return;
    }
    PrintWriter out = ctx.out();
    if (report.nodes().isEmpty()) {
      out.println("nothing to distribute: no certificate is deployed to the selected nodes");
      return;
    }
    out.printf("%-24s %-18s %-11s %-7s %-37s %7s  %s%n", "CERTIFICATE", "NODE", "STATUS", "STEP", "SERIAL (OLD -> NEW)",
        "TIME", "DETAIL");
    for (NodeResult r : report.nodes()) {
      String serials = shortSerial(r.fromSerial()) + " -> " + shortSerial(r.toSerial());
      out.printf("%-24s %-18s %-11s %-7s %-37s %6.1fs  %s%n", r.cert(), r.node(), r.status().label(), r.step().label(),
          serials, r.took().toMillis() / 1000.0, r.detail() == null ? "" : r.detail());
    }
    for (HookRunner.HookResult h : report.hooks()) {
      out.printf("hook %s for %s: %s%n", h.hook(), h.cert(), h.ok() ? "ok" : "FAILED: " + h.error());
    }
    long good = report.nodes().stream().filter(r -> r.status().good()).count();
    long failed = report.nodes().stream().filter(r -> r.status() == NodeStatus.FAILED).count();
    long untouched = report.nodes().stream().filter(r -> r.status() == NodeStatus.NOT_TOUCHED).count();
    long planned = report.nodes().stream().filter(r -> r.status() == NodeStatus.PLANNED).count();
    out.printf(planned > 0 ? "%d planned, %d unreachable%n" : "%d node(s) serve the current version, %d failed, %d not touched%n",
        planned > 0 ? planned : good, failed, untouched);
  }

  /** 0 all good; 3 some good and some not (or a hook failed); 1 nothing good. */
  static int exitCode(Distributor.Report report) {
    if (report.allGood()) {
      return ExitCodes.OK;
    }
    return report.anyGood() ? ExitCodes.PARTIAL : ExitCodes.FAILURE;
  }

  private static String shortSerial(@Nullable String s) {
    if (s == null) {
      return "-";
    }
    return s.length() <= 16 ? s : s.substring(0, 16) + "…";
  }
}
