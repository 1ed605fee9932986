package org.certfleet.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import org.certfleet.config.AppConfig;
import org.certfleet.config.CertSpec;
import org.certfleet.deploy.Distributor;
import org.certfleet.deploy.HookRunner;
import org.certfleet.deploy.NodeResult;
import org.certfleet.deploy.NodeStatus;
import org.certfleet.operation.Distribution;
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
    return Distribution.run(config, ctx.toolkit(), ctx.alerts(config), store, certs, nodes, dryRun, ssh.join());
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
