package org.certfleet.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
    Path state = ctx.stateDir();
    List<CertbotImporter.Result> results;
    try (StoreLock lock = StoreLock.acquire(state, ctx.clock())) {
      results = new CertbotImporter(lock).importLineages(certbotDir, names);
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
      ctx.out().printf("%d of %d lineage%s imported into %s%n", ok, results.size(), results.size() == 1 ? "" : "s", state);
    }
    if (results.isEmpty() || ok == 0) {
      return ExitCodes.FAILURE;
    }
    return ok == results.size() ? ExitCodes.OK : ExitCodes.PARTIAL;
  }
}
