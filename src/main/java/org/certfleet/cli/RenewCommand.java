package org.certfleet.cli;

import picocli.CommandLine.Command;

/** Placeholder until the capability lands; exits 1 saying so. */
@Command(name = "renew", description = "Renew certificates with ACME DNS-01 that are due (not available yet).")
final class RenewCommand extends NotAvailableYet {
  RenewCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  String what() {
    return "renew";
  }
}
