package org.certfleet.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.certfleet.alert.AlertBook;
import org.certfleet.config.AppConfig;
import org.certfleet.config.CertSpec;
import org.certfleet.inventory.ExpiryReport;
import org.certfleet.inventory.InventoryReport;
import org.certfleet.operation.Report;
import org.certfleet.operation.Watch;
import org.certfleet.ssh.SshConnector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code certfleet report [NAME…] [--chat]}: the expiry report, printed or posted to the alert channels. */
@Command(
    name = "report",
    description = {
      "Scan like `inventory` and print the expiry report: every certificate with its names, days left, issuer and",
      "profile, next renewal, and per node whether it deploys and serves the current version; problems first.",
      "With --chat, post it to every alert channel (split to each channel's limits); exit 0 when every channel",
      "confirmed it, 3 when some did, 1 when none did (it is then retried on the next run)."
    })
final class ReportCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", arity = "0..*", description = "certificates to report on (default: all)")
  List<String> names = new ArrayList<>();

  @Option(names = "--chat", description = "post the report to the alert channels too")
  boolean chat;

  ReportCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    CompletableFuture<SshConnector> ssh = Deployment.warmUp(ctx);
    try {
      AppConfig config = ctx.loadConfig();
      List<CertSpec> certs = ctx.certificates(config, names, spec.commandLine());
      InventoryReport report = Watch.scan(config, ctx.toolkit(), certs, ssh.join());
      ExpiryReport.Text text = Report.render(config, report);
      if (ctx.json()) {
        ctx.printJson(text);
      } else {
        ctx.out().println(text.plain());
      }
      if (!chat) {
        return ExitCodes.OK;
      }
      if (config.alerts().channels().isEmpty()) {
        ctx.err().println("report --chat: no alert channels are configured in " + ctx.configLabel());
        return ExitCodes.FAILURE;
      }
      AlertBook.Result r = Report.post(ctx.alerts(config), report, text);
      long ok = r.deliveries().stream().filter(d -> d.ok() && d.messageKey().equals("REPORT")).count();
      ctx.err().println("report: delivered to " + ok + " channel(s)" + (r.waiting() == 0 ? ""
          : ", " + r.waiting() + " delivery(ies) waiting (retried on the next run)"));
      return r.allDelivered() ? ExitCodes.OK : ok > 0 ? ExitCodes.PARTIAL : ExitCodes.FAILURE;
    } finally {
      Deployment.close(ssh);
    }
  }
}
