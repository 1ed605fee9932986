package org.certfleet.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.certfleet.alert.AlertBook;
import org.certfleet.cert.CertFacts;
import org.certfleet.config.AppConfig;
import org.certfleet.config.CertSpec;
import org.certfleet.inventory.Finding;
import org.certfleet.inventory.InventoryReport;
import org.certfleet.inventory.Severity;
import org.certfleet.operation.Watch;
import org.certfleet.ssh.SshConnector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code certfleet inventory [NAME…] [--fail-on LEVEL]}: issued, deployed and served, per node, and the findings. */
@Command(
    name = "inventory",
    description = {
      "Show every certificate as issued (local store), deployed (each node's files, over SSH) and served (TLS with SNI",
      "to each node's own address, for every name), and what is wrong: EXPIRING, EXPIRED, RENEWAL_FAILING, DRIFT,",
      "KEY_MISMATCH, NAME_MISMATCH, CHAIN_INVALID, UNREACHABLE, UNKNOWN_CERT. Changes nothing."
    })
final class InventoryCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", arity = "0..*", description = "certificates to scan (default: all)")
  List<String> names = new ArrayList<>();

  @Option(names = "--fail-on", paramLabel = "LEVEL", defaultValue = "warning",
      description = "exit 1 when a finding is at least this severe: info, warning, critical or never (default: ${DEFAULT-VALUE})")
  String failOn;

  @Option(names = "--alert", description = {
      "Also alert: new findings go to the alert channels once, open ones again after alerts.repeat-every, cleared",
      "ones as resolved; undelivered messages are retried on the next run; the heartbeat URL is pinged. For",
      "timer-driven set-ups (the daemon does this on its schedule)."})
  boolean alert;

  InventoryCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    Severity threshold = switch (failOn.toLowerCase(Locale.ROOT)) {
      case "info" -> Severity.INFO;
      case "warning" -> Severity.WARNING;
      case "critical" -> Severity.CRITICAL;
      case "never" -> null;
      default -> throw new ParameterException(spec.commandLine(),
          "--fail-on: \"" + failOn + "\" is not a level (expected info, warning, critical or never)");
    };
    CompletableFuture<SshConnector> ssh = Deployment.warmUp(ctx);
    try {
      AppConfig config = ctx.loadConfig();
      List<CertSpec> certs = ctx.certificates(config, names, spec.commandLine());
      Watch.Result watched = null;
      InventoryReport report;
      if (alert) {
        watched = Watch.cycle(config, ctx.toolkit(), ctx.alerts(config), certs, ssh.join());
        report = watched.report();
      } else {
        report = Watch.scan(config, ctx.toolkit(), certs, ssh.join());
      }
      if (ctx.json()) {
        ctx.printJson(report);
      } else {
        print(report);
      }
      if (watched != null) {
        printAlerts(watched);
      }
      Severity worst = report.worst();
      return threshold != null && worst != null && worst.atLeast(threshold) ? ExitCodes.FAILURE : ExitCodes.OK;
    } finally {
      Deployment.close(ssh);
    }
  }

  private void printAlerts(Watch.Result watched) {
    if (watched.alerts() == null) {
      ctx.err().println("certfleet: alerts not evaluated: " + watched.alertError());
      return;
    }
    AlertBook.Result r = watched.alerts();
    long sent = r.deliveries().stream().filter(AlertBook.Delivery::ok).count();
    ctx.err().println("alerts: " + sent + " delivered" + (r.waiting() == 0 ? ""
        : ", " + r.waiting() + " waiting for a channel (retried on the next run)"));
  }

  private void print(InventoryReport report) {
    PrintWriter out = ctx.out();
    boolean colour = System.console() != null && ctx.env("NO_COLOR") == null && !"dumb".equals(ctx.env("TERM"));
    out.printf("%-22s %-18s %-24s %s%n", "CERTIFICATE", "NODE", "DEPLOYED", "SERVED (name: serial, days left)");
    for (InventoryReport.CertView c : report.certificates()) {
      String issued = c.issued() == null ? "never issued" : "v" + c.version() + " " + serial(c.issued()) + " "
          + left(c.issued(), report.at());
      if (c.lastRenewalFailure() != null) {
        var f = c.lastRenewalFailure();
        issued += "; last renewal failure " + f.at() + (f.step() == null ? "" : " at " + f.step())
            + (f.error() == null ? "" : ": " + f.error()) + (c.failuresSinceSuccess() > 0
                ? " (" + c.failuresSinceSuccess() + " since the last success)" : " (succeeded since)");
      }
      out.printf("%-22s %-18s %s%n", c.cert(), "(issued)", issued);
      for (InventoryReport.NodeView n : c.nodes()) {
        String deployed = n.unreachable() != null ? "unreachable"
            : n.deployed() == null || n.deployed().cert() == null ? "none"
            : serial(n.deployed().cert()) + (Boolean.FALSE.equals(n.deployed().keyMatches()) ? " KEY!" : "");
        List<String> served = new ArrayList<>();
        for (InventoryReport.ServedView s : n.served()) {
          served.add(s.name() + ": " + (s.leaf() == null ? "unreachable" : serial(s.leaf()) + " " + left(s.leaf(), report.at())));
        }
        out.printf("%-22s %-18s %-24s %s%n", "", n.node(), deployed, String.join("; ", served));
      }
    }
    out.println();
    if (report.findings().isEmpty()) {
      out.println("no findings");
      return;
    }
    for (Finding f : report.findings()) {
      String level = String.format("%-8s", f.severity().label().toUpperCase(Locale.ROOT));
      if (colour) {
        level = (f.severity() == Severity.CRITICAL ? "\u001b[31m" : f.severity() == Severity.WARNING ? "\u001b[33m" : "\u001b[36m")
            + level + "\u001b[0m";
      }
      out.printf("%s %-15s %s%n", level, f.type(), f.message());
    }
    out.printf("%d finding(s)%n", report.findings().size());
  }

  private static String serial(CertFacts f) {
    return f.serial().length() <= 12 ? f.serial() : f.serial().substring(0, 12) + "…";
  }

  private static String left(CertFacts f, Instant at) {
    Duration d = Duration.between(at, f.notAfter());
    return d.isNegative() ? "EXPIRED" : String.format(Locale.ROOT, "%.1fd", d.toHours() / 24.0);
  }
}
