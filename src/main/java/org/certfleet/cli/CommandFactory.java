package org.certfleet.cli;

import java.util.Objects;
import picocli.CommandLine;

/** Hands picocli the commands built from our own wiring instead of reflection on no-arg constructors. */
public final class CommandFactory implements CommandLine.IFactory {
  private final CliContext ctx;

  public CommandFactory(CliContext ctx) {
    this.ctx = Objects.requireNonNull(ctx, "ctx");
  }

  @Override
  public <K> K create(Class<K> cls) throws Exception {
    Object command;
    if (cls == RootCommand.class) {
      command = ctx.root();
    } else if (cls == CheckCommand.class) {
      command = new CheckCommand(ctx);
    } else if (cls == RenewCommand.class) {
      command = new RenewCommand(ctx);
    } else if (cls == DistributeCommand.class) {
      command = new DistributeCommand(ctx);
    } else if (cls == RollbackCommand.class) {
      command = new RollbackCommand(ctx);
    } else if (cls == InventoryCommand.class) {
      command = new InventoryCommand(ctx);
    } else if (cls == ReportCommand.class) {
      command = new ReportCommand(ctx);
    } else if (cls == DaemonCommand.class) {
      command = new DaemonCommand(ctx);
    } else if (cls == ReloadCommand.class) {
      command = new ReloadCommand(ctx);
    } else if (cls == TrustCommand.class) {
      command = new TrustCommand(ctx);
    } else if (cls == DbCommand.Migrate.class) {
      command = new DbCommand.Migrate(ctx);
    } else if (cls == DbCommand.Status.class) {
      command = new DbCommand.Status(ctx);
    } else if (cls == DbImportStateCommand.class) {
      command = new DbImportStateCommand(ctx);
    } else if (cls == ImportCommand.class) {
      command = new ImportCommand(ctx);
    } else {
      return CommandLine.defaultFactory().create(cls);
    }
    return cls.cast(command);
  }
}
