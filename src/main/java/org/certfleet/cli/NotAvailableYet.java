package org.certfleet.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * A command whose capability has not been built yet. It says so and exits 1: a placeholder must never
 * look like a success to a script or a cron job.
 */
abstract class NotAvailableYet implements Callable<Integer> {
  private final CliContext ctx;

  @Parameters(hidden = true, arity = "0..*")
  List<String> ignoredArguments = new ArrayList<>();

  @Unmatched List<String> unmatched = new ArrayList<>();

  NotAvailableYet(CliContext ctx) {
    this.ctx = ctx;
  }

  /** The command name and what it will do, e.g. "renew: ACME DNS-01 issuance and renewal". */
  abstract String what();

  @Override
  public Integer call() {
    ctx.err().println("certfleet " + what() + ": not available yet");
    return ExitCodes.FAILURE;
  }
}
