package org.certfleet.dns.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.certfleet.config.OptionSpec;
import org.certfleet.config.SecretResolver;
import org.certfleet.dns.DnsProvider;
import org.certfleet.dns.DnsProviderFactory;
import org.certfleet.dns.ProviderOptions;

/** Describes and creates {@link ExecProvider}s. */
public final class ExecFactory implements DnsProviderFactory {
  private final Path hooksDir;

  /** @param hooksDir where relative {@code command} paths are resolved: the working directory */
  public ExecFactory(Path hooksDir) {
    this.hooksDir = Objects.requireNonNull(hooksDir, "hooksDir");
  }

  @Override
  public String id() {
    return "exec";
  }

  @Override
  public List<String> aliases() {
    return List.of();
  }

  @Override
  public String description() {
    return "Runs a program for each record: `COMMAND present FQDN VALUE` and `COMMAND cleanup FQDN VALUE` (lego's"
        + " exec protocol; FQDN is absolute, with a trailing dot). The same values are in the environment:"
        + " `CERTFLEET_ACTION`, `CERTFLEET_FQDN`, `CERTFLEET_VALUE`, `CERTFLEET_ZONE`, `CERTFLEET_TTL`, and"
        + " certbot's `CERTBOT_DOMAIN` and `CERTBOT_VALIDATION`. Exit status 0 is success; anything else, or"
        + " running past the timeout, fails with the program's stderr. Examples: hooks/dns/.";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.required("command", "the program; a relative path is resolved against the directory certfleet runs in (prefer absolute)"),
        OptionSpec.optional("timeout", "60s", "the program is killed after this long"));
  }

  @Override
  public DnsProvider create(String instance, Map<String, String> values, SecretResolver secrets) {
    ProviderOptions o = new ProviderOptions(instance, id(), values, options());
    Path command = hooksDir.resolve(o.require("command")).normalize();
    if (!Files.isRegularFile(command) || !Files.isExecutable(command)) {
      throw o.invalid("command", command + " is not an executable file");
    }
    return new ExecProvider(instance, command, o.duration("timeout"));
  }
}
