package org.certfleet.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.certfleet.config.AppConfig;
import org.certfleet.config.CertSpec;
import org.certfleet.deploy.Distributor;
import org.certfleet.ssh.SshConnector;
import org.certfleet.state.StateStores;
import org.certfleet.store.CertificateLocks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code certfleet distribute [NAME…] [--nodes a,b] [--dry-run]}. */
@Command(
    name = "distribute",
    description = {
      "Deploy the current version of certificates to their nodes over SSH and verify what each node serves.",
      "Per node: upload to temporary names, switch live/ atomically, test, reload, check by TLS with SNI;",
      "any failure restores the previous files. Canary first, then the rest in parallel, within the failure",
      "budget. Nodes that already hold and serve the current version are left alone."
    })
final class DistributeCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", arity = "0..*", description = "certificates to distribute (default: all)")
  List<String> names = new ArrayList<>();

  @Option(names = "--nodes", split = ",", paramLabel = "NODE", description = "only these nodes (comma-separated)")
  List<String> nodes = new ArrayList<>();

  @Option(names = "--dry-run", description = "connect and inspect, print the plan; change and reload nothing")
  boolean dryRun;

  DistributeCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    CompletableFuture<SshConnector> ssh = Deployment.warmUp(ctx);
    try {
      return distribute(ssh);
    } finally {
      Deployment.close(ssh);
    }
  }

  private int distribute(CompletableFuture<SshConnector> ssh) throws Exception {
    AppConfig config = ctx.loadConfig();
    List<CertSpec> certs = ctx.certificates(config, names, spec.commandLine());
    for (String n : nodes) {
      if (config.node(n).isEmpty()) {
        throw new ParameterException(spec.commandLine(), "no node named " + n + " in " + ctx.configLabel());
      }
    }
    Distributor.Report report;
    StateStores stores = ctx.toolkit().stores(config);
    List<CertSpec> skipped = new ArrayList<>();
    if (dryRun) {
      report = Deployment.run(ctx, config, stores.reader(), certs, nodes, true, ssh);
    } else {
      List<CertificateLocks.Held> held = new ArrayList<>();
      try (StateStores.Writer writer = stores.writer()) {
        List<CertSpec> mine = new ArrayList<>();
        for (CertSpec c : certs) {
          Optional<CertificateLocks.Held> lock = stores.locks().tryLock(c.name());
          lock.ifPresent(held::add);
          (lock.isPresent() ? mine : skipped).add(c);
        }
        report = Deployment.run(ctx, config, writer.store(), mine, nodes, false, ssh);
      } finally {
        held.forEach(CertificateLocks.Held::close);
      }
    }
    for (CertSpec c : skipped) {
      ctx.err().println(c.name().value() + ": not distributed: another certfleet instance is working on it");
    }
    Deployment.print(ctx, report);
    int code = Deployment.exitCode(report);
    return skipped.isEmpty() || code != ExitCodes.OK ? code : ExitCodes.PARTIAL;
  }
}
