package org.certfleet.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.certfleet.config.AppConfig;
import org.certfleet.state.StateImport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code certfleet db import-state}: a single instance's state directory into the cluster database. */
@Command(
    name = "import-state",
    description = {
      "Copy the state directory (state.dir, or --state) into the cluster database: every lineage with all its",
      "versions and metadata, the ACME account, pending orders, the alert state and the audit log. Private keys",
      "are sealed with cluster.encryption-key. Nothing is merged: lineages the database has are refused, alert",
      "state and audit are copied only into empty tables. The state directory is only read (under its lock).",
      "Run `certfleet db migrate` first. Exit 0 when everything was copied, 3 when some items were refused."
    })
final class DbImportStateCommand implements Callable<Integer> {
  private final CliContext ctx;
  @Spec CommandLine.Model.CommandSpec spec;

  DbImportStateCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    AppConfig config = ctx.loadConfig();
    DbCommand.cluster(ctx, spec.commandLine());
    Path state = ctx.stateDir();
    List<StateImport.Item> items;
    items = StateImport.run(config, state, ctx.toolkit().state(), ctx.clock());
    if (ctx.json()) {
      ctx.printJson(items);
    } else {
      for (StateImport.Item i : items) {
        ctx.out().println((i.ok() ? "imported " : "refused  ") + i.what() + ": " + i.detail());
      }
    }
    long refused = items.stream().filter(i -> !i.ok()).count();
    return refused == 0 ? ExitCodes.OK : ExitCodes.PARTIAL;
  }
}
