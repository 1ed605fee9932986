package org.certfleet.cli;

import picocli.CommandLine.Command;

/** Placeholder until the capability lands; exits 1 saying so. */
@Command(name = "report", description = "Post the certificate expiry report, e.g. to chat (not available yet).")
final class ReportCommand extends NotAvailableYet {
  ReportCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  String what() {
    return "report";
  }
}
