package org.certfleet.cli;

import picocli.CommandLine.Command;

/** Placeholder until the capability lands; exits 1 saying so. */
@Command(name = "daemon", description = "Run renewal, distribution, inventory and reports on the configured schedule (not available yet).")
final class DaemonCommand extends NotAvailableYet {
  DaemonCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  String what() {
    return "daemon";
  }
}
