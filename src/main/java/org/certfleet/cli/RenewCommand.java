package org.certfleet.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.certfleet.config.AppConfig;
import org.certfleet.config.CertSpec;
import org.certfleet.deploy.Distributor;
import org.certfleet.ssh.SshConnector;
import org.certfleet.operation.Renewal;
import org.certfleet.renewal.Outcome;
import org.certfleet.renewal.RenewalService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code certfleet renew [NAME…] [--force] [--dry-run]}. */
@Command(
    name = "renew",
    description = {
      "Renew the certificates that are due with ACME DNS-01 and store each as its next version.",
      "Due: never issued, names changed, the CA's ARI window opened, renew-before reached, or a third of the",
      "lifetime left (half for lifetimes of ten days or less). Failures back off per certificate.",
      "Renewed certificates are then distributed to their nodes (as `certfleet distribute`), unless --no-distribute."
    })
final class RenewCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", arity = "0..*", description = "certificates to consider (default: all)")
  List<String> names = new ArrayList<>();

  @Option(names = "--force", description = "renew now, whatever the policy says")
  boolean force;

  @Option(names = "--dry-run", description = "say what would be renewed; contact no CA, write nothing")
  boolean dryRun;

  @Option(names = "--no-distribute", description = "store renewed certificates only; do not deploy them to their nodes")
  boolean noDistribute;

  RenewCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    AppConfig config = ctx.loadConfig();
    List<CertSpec> certs = ctx.certificates(config, names, spec.commandLine());
    List<Outcome> outcomes;
    Distributor.Report deployed = null;
    if (dryRun) {
      outcomes = new RenewalService(config, ctx.dnsProviders(), ctx.secrets(), ctx.clock(), ctx.sleeper())
          .plan(ctx.toolkit().stores(config).reader(), certs, force);
    } else {
      List<CompletableFuture<SshConnector>> started = new ArrayList<>();
      try {
        Renewal.Result result = Renewal.run(config, ctx.toolkit(), ctx.alerts(config), certs, force, !noDistribute,
            () -> {
              CompletableFuture<SshConnector> ssh = Deployment.warmUp(ctx);
              started.add(ssh);
              return ssh.join();
            });
        outcomes = result.outcomes();
        deployed = result.deployed();
      } finally {
        started.forEach(Deployment::close);
      }
    }
    long renewed = outcomes.stream().filter(o -> o.kind() == Outcome.Kind.RENEWED).count();
    long failed = outcomes.stream().filter(o -> o.kind() == Outcome.Kind.FAILED).count();
    if (ctx.json()) {
      ctx.printJson(outcomes);
    } else {
      for (Outcome o : outcomes) {
        ctx.out().printf("%-24s %-8s %s%s%n", o.name(), o.kind(), o.detail(),
            o.took().isZero() ? "" : String.format(" (%.1f s)", o.took().toMillis() / 1000.0));
      }
      ctx.out().printf("%d certificate%s: %d renewed, %d skipped, %d failed%n", outcomes.size(),
          outcomes.size() == 1 ? "" : "s", renewed, outcomes.size() - renewed - failed, failed);
    }
    if (deployed != null) {
      Deployment.print(ctx, deployed);
    }
    int renewal = failed == 0 ? ExitCodes.OK : renewed > 0 ? ExitCodes.PARTIAL : ExitCodes.FAILURE;
    int deploy = deployed == null ? ExitCodes.OK : Deployment.exitCode(deployed);
    if (deploy == ExitCodes.OK) {
      return renewal;
    }
    // Something was renewed (deployment only follows a renewal), so this is never a total failure.
    return ExitCodes.PARTIAL;
  }
}
