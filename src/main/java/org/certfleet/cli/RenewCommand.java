package org.certfleet.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.certfleet.config.AppConfig;
import org.certfleet.config.CertSpec;
import org.certfleet.renewal.Outcome;
import org.certfleet.renewal.RenewalService;
import org.certfleet.store.StoreLock;
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
      "lifetime left (half for lifetimes of ten days or less). Failures back off per certificate."
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

  RenewCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    AppConfig config = ctx.loadConfig();
    List<CertSpec> certs = new ArrayList<>();
    for (String n : names) {
      certs.add(config.certificate(n).orElseThrow(() -> new ParameterException(spec.commandLine(),
          "no certificate named " + n + " in " + ctx.configLabel())));
    }
    if (certs.isEmpty()) {
      certs.addAll(config.certificates());
    }
    RenewalService service = new RenewalService(config, ctx.dnsProviders(), ctx.secrets(), ctx.clock(), ctx.sleeper());
    List<Outcome> outcomes;
    if (dryRun) {
      outcomes = service.plan(certs, force);
    } else {
      try (StoreLock lock = StoreLock.acquire(config.stateDir(), ctx.clock())) {
        outcomes = service.renew(lock, certs, force);
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
    if (failed == 0) {
      return ExitCodes.OK;
    }
    return renewed > 0 ? ExitCodes.PARTIAL : ExitCodes.FAILURE;
  }
}
