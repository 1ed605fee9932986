package org.certfleet.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.certfleet.config.AppConfig;
import org.certfleet.config.CertSpec;
import org.certfleet.deploy.Distributor;
import org.certfleet.ssh.SshConnector;
import org.certfleet.store.FileCertificateStore;
import org.certfleet.store.StoreLock;
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
    if (dryRun) {
      report = Deployment.run(ctx, config, FileCertificateStore.readOnly(config.stateDir()), certs, nodes, true, ssh);
    } else {
      try (StoreLock lock = StoreLock.acquire(config.stateDir(), ctx.clock())) {
        report = Deployment.run(ctx, config, FileCertificateStore.writable(lock), certs, nodes, false, ssh);
      }
    }
    Deployment.print(ctx, report);
    return Deployment.exitCode(report);
  }
}
