package org.certfleet.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.certfleet.config.AppConfig;
import org.certfleet.config.ClusterConfig;
import org.certfleet.db.Database;
import org.certfleet.db.Migrations;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code certfleet db migrate|status|import-state}: the schema of the {@code cluster:} database, and moving a state directory into it. */
@Command(
    name = "db",
    description = "The cluster database (cluster: in certs.yaml): create or upgrade its schema, show its version, import a state directory into it.",
    subcommands = {DbCommand.Migrate.class, DbCommand.Status.class, DbImportStateCommand.class})
final class DbCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "say which: migrate or status");
  }

  /** The cluster section, or a usage error (exit 2) when certs.yaml has none. */
  static ClusterConfig cluster(CliContext ctx, CommandLine cl) {
    AppConfig config = ctx.loadConfig();
    if (config.cluster() == null) {
      throw new CommandLine.ParameterException(cl, ctx.configLabel() + " has no cluster: section, so there is no"
          + " database to migrate");
    }
    return config.cluster();
  }

  @Command(
      name = "migrate",
      description = {
        "Apply the schema migrations this certfleet has and the database lacks, each in its own transaction.",
        "Safe to run again and from several instances at once (they take turns); refuses a database migrated",
        "by a newer certfleet. Run it before starting upgraded daemons."
      })
  static final class Migrate implements Callable<Integer> {
    private final CliContext ctx;
    @Spec CommandLine.Model.CommandSpec spec;

    Migrate(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
      ClusterConfig cluster = cluster(ctx, spec.commandLine());
      try (Database db = Database.open(cluster, ctx.secrets(), "certfleet-migrate", 1)) {
        Migrations migrations = new Migrations(db.dataSource());
        List<Migrations.Migration> applied = migrations.migrate();
        if (ctx.json()) {
          ctx.printJson(java.util.Map.of("applied", applied.stream().map(Migrations.Migration::label).toList(),
              "version", migrations.latest()));
        } else {
          applied.forEach(m -> ctx.out().println("applied " + m.label()));
          ctx.out().println(applied.isEmpty()
              ? "the schema is current (version " + migrations.latest() + ")"
              : "the schema is at version " + migrations.latest());
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "status", description = "Show the schema version of the database and the migrations still to apply (exit 1 when any).")
  static final class Status implements Callable<Integer> {
    private final CliContext ctx;
    @Spec CommandLine.Model.CommandSpec spec;

    Status(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
      ClusterConfig cluster = cluster(ctx, spec.commandLine());
      try (Database db = Database.open(cluster, ctx.secrets(), "certfleet-migrate", 1)) {
        Migrations.Status s = new Migrations(db.dataSource()).status();
        List<String> pending = s.pending().stream().map(Migrations.Migration::label).toList();
        if (ctx.json()) {
          ctx.printJson(java.util.Map.of("version", s.current(), "latest", s.latest(), "pending", pending));
        } else {
          ctx.out().println("schema version " + s.current() + " of " + s.latest()
              + (pending.isEmpty() ? "" : "; pending: " + String.join(", ", pending) + " (run certfleet db migrate)"));
        }
        return s.upToDate() ? ExitCodes.OK : ExitCodes.FAILURE;
      }
    }
  }
}
