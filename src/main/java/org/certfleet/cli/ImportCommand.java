package org.certfleet.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.certfleet.config.AppConfig;
import org.certfleet.state.StateImport;
import org.certfleet.store.CertbotImporter;
import org.certfleet.store.StoreLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code certfleet import --certbot DIR [NAME…]}. */
@Command(
    name = "import",
    description = {
      "Adopt existing certbot lineages into the state directory, keeping every version and the live one.",
      "With a cluster: section the lineages go into the shared database instead (keys sealed), each under its",
      "certificate's lock; --state DIR imports into that directory all the same (for db import-state later).",
      "A lineage certfleet already has is refused, never overwritten."
    })
final class ImportCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(names = "--certbot", required = true, paramLabel = "DIR", description = "certbot config directory, e.g. /etc/letsencrypt")
  Path certbotDir;

  @Parameters(paramLabel = "NAME", arity = "0..*", description = "lineages to import (default: all under DIR/live)")
  List<String> names = new ArrayList<>();

  ImportCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    String into;
    List<CertbotImporter.Result> results;
    AppConfig config = ctx.stateDirGiven() ? null : ctx.loadConfig();
    if (config != null && config.cluster() != null) {
      into = "the cluster database";
      results = StateImport.certbot(config, certbotDir, names, ctx.toolkit().state());
    } else {
      Path state = config != null ? config.stateDir() : ctx.stateDir();
      into = state.toString();
      try (StoreLock lock = StoreLock.acquire(state, ctx.clock())) {
        results = new CertbotImporter(lock).importLineages(certbotDir, names);
      }
    }
    long ok = results.stream().filter(CertbotImporter.Result::imported).count();
    if (ctx.json()) {
      ctx.printJson(results);
    } else {
      for (CertbotImporter.Result r : results) {
        ctx.out().println(r.imported()
            ? "imported " + r.name() + ": versions " + r.versions() + ", live version " + r.current()
            : "refused  " + r.name() + ": " + r.error());
      }
      ctx.out().printf("%d of %d lineage%s imported into %s%n", ok, results.size(), results.size() == 1 ? "" : "s", into);
    }
    if (results.isEmpty() || ok == 0) {
      return ExitCodes.FAILURE;
    }
    return ok == results.size() ? ExitCodes.OK : ExitCodes.PARTIAL;
  }
}
