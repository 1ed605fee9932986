package org.certfleet.cli;

import java.util.Objects;
import org.certfleet.config.ConfigError;
import org.certfleet.config.ConfigException;
import org.certfleet.store.StoreLockedException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception escaping a command into one line per problem on stderr and an exit code; the
 * stack trace is printed only with {@code -v}.
 */
public final class ErrorHandler implements IExecutionExceptionHandler {
  private final CliContext ctx;

  public ErrorHandler(CliContext ctx) {
    this.ctx = Objects.requireNonNull(ctx, "ctx");
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    if (ex instanceof ConfigException ce) {
      for (ConfigError e : ce.errors()) {
        ctx.err().println(e);
      }
      if (ctx.json()) {
        ctx.printJson(java.util.Map.of("ok", false, "errors", ce.errors().stream().map(ConfigError::toString).toList()));
      }
      ctx.err().flush();
      return ExitCodes.BAD_INPUT;
    }
    int code = exitCodeOf(ex);
    String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    ctx.err().println("certfleet " + cmd.getCommandName() + ": " + message.lines().findFirst().orElse(""));
    if (ctx.verbose()) {
      ex.printStackTrace(ctx.err());
    } else if (code == ExitCodes.FAILURE && !(ex instanceof java.io.IOException)) {
      ctx.err().println("(run with -v for details)");
    }
    ctx.err().flush();
    return code;
  }

  /** Exceptions that know their exit code say so; everything else is a failure. */
  private static int exitCodeOf(Exception ex) {
    if (ex instanceof StoreLockedException) {
      return ExitCodes.LOCKED;
    }
    if (ex instanceof CommandLine.IExitCodeGenerator g) {
      return g.getExitCode();
    }
    return ExitCodes.FAILURE;
  }
}
