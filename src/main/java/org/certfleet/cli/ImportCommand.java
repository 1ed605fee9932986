package org.certfleet.cli;

import picocli.CommandLine.Command;

/** Placeholder until the store lands; exits 1 saying so. */
@Command(name = "import", description = "Adopt existing certbot lineages (keeps their history) (not available yet).")
final class ImportCommand extends NotAvailableYet {
  ImportCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  String what() {
    return "import";
  }
}
