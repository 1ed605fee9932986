package org.certfleet.cli;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.certfleet.audit.AuditEntry;
import org.certfleet.cert.CertFacts;
import org.certfleet.cert.CertName;
import org.certfleet.config.AppConfig;
import org.certfleet.config.CertSpec;
import org.certfleet.deploy.Distributor;
import org.certfleet.ssh.SshConnector;
import org.certfleet.store.CertificateStore;
import org.certfleet.store.Lineage;
import org.certfleet.state.StateStores;
import org.certfleet.store.CertificateLocks;
import org.certfleet.store.StoreLockedException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code certfleet rollback NAME [--to VERSION] [--no-distribute] [--dry-run]}. */
@Command(
    name = "rollback",
    description = {
      "Make an earlier version of a certificate current again and distribute it: for a renewed certificate",
      "that must not be served (a wrong chain, a CA incident). Default: the version before the current one.",
      "Nodes get it the way distribute deploys (tested, reloaded, verified, each node restored on failure).",
      "Refuses a version that is missing, does not load or has expired. Every version stays in the archive."
    })
final class RollbackCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "the certificate")
  String name = "";

  @Option(names = "--to", paramLabel = "VERSION", description = "the version to make current (default: the one before the current)")
  @Nullable Integer to;

  @Option(names = "--no-distribute", description = "only change the store; nodes keep what they serve until the next distribute")
  boolean noDistribute;

  @Option(names = "--dry-run", description = "say which version would become current; change nothing")
  boolean dryRun;

  RollbackCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    AppConfig config = ctx.loadConfig();
    CertSpec cert = ctx.certificates(config, List.of(name), spec.commandLine()).get(0);
    if (dryRun) {
      CertificateStore store = ctx.toolkit().stores(config).reader();
      Choice c = choose(store, cert.name());
      ctx.out().printf("%s: would make version %d current instead of %d (%s)%s%n", cert.name().value(), c.target(),
          c.current().version(), describe(c.facts()), noDistribute ? "" : ", then distribute it");
      return ExitCodes.OK;
    }
    CompletableFuture<SshConnector> ssh = noDistribute ? null : Deployment.warmUp(ctx);
    StateStores stores = ctx.toolkit().stores(config);
    try (StateStores.Writer writer = stores.writer();
        CertificateLocks.Held held = stores.locks().tryLock(cert.name()).orElseThrow(() -> new StoreLockedException(
            cert.name().value() + " is being worked on by another certfleet instance; try again later"))) {
      CertificateStore store = writer.store();
      Choice c = choose(store, cert.name());
      store.activate(cert.name(), c.target());
      stores.audit().append(new AuditEntry(ctx.clock().instant(), "rollback",
          cert.name().value(), "", null, "version " + c.current().version() + " serial " + c.current().facts().serial(),
          "version " + c.target() + " serial " + c.facts().serial(), null, "ok"));
      ctx.out().printf("%s: version %d is current again, was %d (%s)%n", cert.name().value(), c.target(),
          c.current().version(), describe(c.facts()));
      if (ssh == null) {
        return ExitCodes.OK;
      }
      Distributor.Report report = Deployment.run(ctx, config, store, List.of(cert), List.of(), false, ssh);
      Deployment.print(ctx, report);
      return Deployment.exitCode(report);
    } finally {
      if (ssh != null) {
        Deployment.close(ssh);
      }
    }
  }

  private record Choice(Lineage current, int target, CertFacts facts) {}

  private Choice choose(CertificateStore store, CertName cert) throws IOException {
    Lineage current = store.find(cert).orElseThrow(() -> new ParameterException(spec.commandLine(),
        cert.value() + " has never been issued (nothing in " + ctx.configLabel() + "'s state directory)"));
    int target;
    if (to != null) {
      target = to;
      if (!current.versions().contains(target)) {
        throw new ParameterException(spec.commandLine(), "--to " + target + ": " + cert.value() + " has versions "
            + current.versions());
      }
      if (target == current.version()) {
        throw new ParameterException(spec.commandLine(), "--to " + target + ": that is already the current version");
      }
    } else {
      target = current.versions().stream().filter(v -> v < current.version()).max(Integer::compare)
          .orElseThrow(() -> new ParameterException(spec.commandLine(), cert.value() + ": version "
              + current.version() + " is the only one; there is nothing to roll back to"));
    }
    CertFacts facts;
    try {
      facts = store.load(cert, target).facts();
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), cert.value() + " version " + target + " cannot be used: "
          + e.getMessage());
    }
    Instant now = ctx.clock().instant();
    if (!facts.notAfter().isAfter(now)) {
      throw new ParameterException(spec.commandLine(), cert.value() + " version " + target + " expired on "
          + facts.notAfter() + "; serving it would break every client");
    }
    return new Choice(current, target, facts);
  }

  private String describe(CertFacts f) {
    long days = Duration.between(ctx.clock().instant(), f.notAfter()).toDays();
    return "serial " + f.serial() + ", expires " + f.notAfter() + ", " + days + " day" + (days == 1 ? "" : "s") + " left";
  }
}
