package org.certfleet.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code certfleet [--config FILE] [--state DIR] [-v] [--json] COMMAND}. */
@Command(
    name = "certfleet",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Renews, distributes, verifies and watches the TLS certificates of a fleet of nginx nodes.",
    subcommands = {
      CheckCommand.class,
      RenewCommand.class,
      DistributeCommand.class,
      RollbackCommand.class,
      TrustCommand.class,
      InventoryCommand.class,
      ReportCommand.class,
      DaemonCommand.class,
      ReloadCommand.class,
      ImportCommand.class,
      DbCommand.class,
      AutoComplete.GenerateCompletion.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:failure",
      "2:bad command line or configuration; nothing was changed",
      "3:partial failure: some certificates or nodes failed",
      "4:the state directory is locked by another certfleet process"
    })
public final class RootCommand {

  @Option(
      names = {"-c", "--config"},
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "certs.yaml to use (default: $CERTFLEET_CONFIG, else ./certs.yaml)")
  @Nullable Path config;

  @Option(
      names = "--state",
      scope = ScopeType.INHERIT,
      paramLabel = "DIR",
      description = "state directory, overriding state.dir from the config")
  @Nullable Path state;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "log more, and print stack traces of errors")
  boolean verbose;

  @Option(names = "--json", scope = ScopeType.INHERIT, description = "print results as JSON")
  boolean json;

  @Option(
      names = "--log-format",
      scope = ScopeType.INHERIT,
      paramLabel = "FORMAT",
      description = "log line format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})",
      defaultValue = "text")
  LogFormat logFormat = LogFormat.text;

  public LogFormat logFormat() {
    return logFormat;
  }

  public boolean verbose() {
    return verbose;
  }

  /** Log line formats. */
  public enum LogFormat {
    text,
    json
  }
}
