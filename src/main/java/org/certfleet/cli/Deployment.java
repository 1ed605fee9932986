package org.certfleet.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
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

  static Distributor.Report run(CliContext ctx, AppConfig config, CertificateStore store, List<CertSpec> certs,
      List<String> nodes, boolean dryRun) throws IOException, InterruptedException {
    AuditLog audit = AuditLog.inStateDir(config.stateDir());
    HookRunner hooks = new HookRunner(config.deploy().hookTimeout(), config.source().toAbsolutePath().getParent(), audit,
        ctx.clock());
    try (SshConnector ssh = new SshConnector(ctx.secrets());
        Distributor d = new Distributor(config, store, ssh, new JdkTlsProber(ctx.clock()), audit, hooks, ctx.clock(),
            ctx.sleeper())) {
      return d.distribute(certs, nodes, dryRun);
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
