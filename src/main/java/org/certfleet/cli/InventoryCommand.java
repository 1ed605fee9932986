package org.certfleet.cli;

import picocli.CommandLine.Command;

/** Placeholder until the capability lands; exits 1 saying so. */
@Command(name = "inventory", description = "Compare issued, deployed and served certificates on every node (not available yet).")
final class InventoryCommand extends NotAvailableYet {
  InventoryCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  String what() {
    return "inventory";
  }
}
