package org.certfleet.cli;

import picocli.CommandLine.Command;

/** Placeholder until the capability lands; exits 1 saying so. */
@Command(name = "distribute", description = "Deploy current certificates to every node over SSH and verify what they serve (not available yet).")
final class DistributeCommand extends NotAvailableYet {
  DistributeCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  String what() {
    return "distribute";
  }
}
