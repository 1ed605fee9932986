package org.certfleet.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.certfleet.config.AppConfig;
import org.certfleet.config.ConfigError;
import org.certfleet.config.ConfigException;
import org.certfleet.config.SecretUse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Validates certs.yaml and prints a one-line summary, or every error. */
@Command(
    name = "check",
    description = {
      "Validate the configuration and print a one-line summary, or every error with file:line:column.",
      "Touches nothing on disk or on any node."
    })
final class CheckCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(names = "--resolve-secrets", description = "also check that every referenced variable and file exists (values are never printed)")
  boolean resolveSecrets;

  CheckCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    AppConfig config = ctx.loadConfig();
    if (resolveSecrets) {
      List<ConfigError> problems = new ArrayList<>();
      for (SecretUse use : config.secretUses()) {
        Optional<String> problem = ctx.secrets().problem(use.ref());
        problem.ifPresent(p -> problems.add(use.error(p)));
      }
      if (!problems.isEmpty()) {
        throw new ConfigException(problems);
      }
    }
    int providers = config.dns().providers().size();
    int channels = config.alerts().channels().size();
    if (ctx.json()) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("ok", true);
      out.put("config", config.source().toString());
      out.put("certificates", config.certificates().size());
      out.put("domains", config.domainCount());
      out.put("nodes", config.nodes().size());
      out.put("groups", config.groups().size());
      out.put("dnsProviders", providers);
      out.put("alertChannels", channels);
      out.put("secretsResolved", resolveSecrets);
      ctx.printJson(out);
    } else {
      ctx.out().printf(
          "%s: OK: %d certificate%s (%d domain%s), %d node%s in %d group%s, %d DNS provider%s, %d alert channel%s%s%n",
          ctx.configLabel(),
          config.certificates().size(), plural(config.certificates().size()),
          config.domainCount(), plural(config.domainCount()),
          config.nodes().size(), plural(config.nodes().size()),
          config.groups().size(), plural(config.groups().size()),
          providers, plural(providers),
          channels, plural(channels),
          resolveSecrets ? ", all " + config.secretUses().size() + " secret references resolve" : "");
    }
    return ExitCodes.OK;
  }

  private static String plural(int n) {
    return n == 1 ? "" : "s";
  }
}
