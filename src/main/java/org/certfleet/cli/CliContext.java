package org.certfleet.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.certfleet.config.AppConfig;
import org.certfleet.config.CertSpec;
import org.certfleet.config.ConfigLoader;
import org.certfleet.config.SecretResolver;
import org.certfleet.dns.DnsProviders;
import org.certfleet.operation.Alerts;
import org.certfleet.operation.Toolkit;
import org.certfleet.state.StateAccess;
import org.certfleet.time.Sleeper;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * What every command needs, wired once in {@code Main}: the parsed global options, output streams,
 * the config loader, the secret resolver, the clock and where the state lives.
 */
public final class CliContext {
  private final RootCommand root = new RootCommand();
  private final PrintWriter out;
  private final PrintWriter err;
  private final Function<String, String> env;
  private final ConfigLoader loader;
  private final SecretResolver secrets;
  private final Clock clock;
  private final Sleeper sleeper;
  private final DnsProviders dnsProviders;
  private final StateAccess state;
  // Built on first use: Jackson's start-up is a large share of a one-shot command's run time.
  private @Nullable ObjectMapper json;

  public CliContext(
      PrintWriter out,
      PrintWriter err,
      Function<String, String> env,
      ConfigLoader loader,
      SecretResolver secrets,
      Clock clock,
      Sleeper sleeper,
      DnsProviders dnsProviders,
      StateAccess state) {
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
    this.env = Objects.requireNonNull(env, "env");
    this.loader = Objects.requireNonNull(loader, "loader");
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.dnsProviders = Objects.requireNonNull(dnsProviders, "dnsProviders");
    this.state = Objects.requireNonNull(state, "state");
  }

  public RootCommand root() {
    return root;
  }

  PrintWriter out() {
    return out;
  }

  PrintWriter err() {
    return err;
  }

  SecretResolver secrets() {
    return secrets;
  }

  Clock clock() {
    return clock;
  }

  Sleeper sleeper() {
    return sleeper;
  }

  DnsProviders dnsProviders() {
    return dnsProviders;
  }

  /** The collaborators the operations share. */
  Toolkit toolkit() {
    return new Toolkit(secrets, clock, sleeper, dnsProviders, state);
  }

  /** The alert channels, alert state and heartbeat of {@code config}. */
  Alerts alerts(AppConfig config) {
    return new Alerts(config, toolkit());
  }

  /** An environment variable, or null. */
  @Nullable String env(String name) {
    return env.apply(name);
  }

  boolean json() {
    return root.json;
  }

  boolean verbose() {
    return root.verbose;
  }

  /** {@code --config}, else {@code $CERTFLEET_CONFIG}, else {@code ./certs.yaml}. */
  Path configPath() {
    if (root.config != null) {
      return root.config;
    }
    String fromEnv = env.apply("CERTFLEET_CONFIG");
    return Path.of(fromEnv == null || fromEnv.isBlank() ? "certs.yaml" : fromEnv);
  }

  String configLabel() {
    return configPath().toString();
  }

  /** Loads and validates the config; {@code --state} overrides its state directory. */
  AppConfig loadConfig() {
    AppConfig config = loader.load(configPath());
    return root.state == null ? config : config.withStateDir(root.state.toAbsolutePath().normalize());
  }

  /**
   * The certificates named on the command line, in that order, or all of them when none was named.
   *
   * @throws ParameterException for a name certs.yaml does not define (exit code 2)
   */
  List<CertSpec> certificates(AppConfig config, List<String> names, CommandLine commandLine) {
    List<CertSpec> certs = new ArrayList<>();
    for (String n : names) {
      certs.add(config.certificate(n).orElseThrow(() -> new ParameterException(commandLine,
          "no certificate named " + n + " in " + configLabel())));
    }
    return certs.isEmpty() ? config.certificates() : certs;
  }

  /** Whether {@code --state} was given. */
  boolean stateDirGiven() {
    return root.state != null;
  }

  /** {@code --state}, else the config's {@code state.dir} (which needs a valid config). */
  Path stateDir() {
    return root.state != null ? root.state.toAbsolutePath().normalize() : loadConfig().stateDir();
  }

  void printJson(Object value) {
    try {
      out.println(jsonMapper().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render JSON output: " + e.getOriginalMessage(), e);
    }
  }

  ObjectMapper jsonMapper() {
    if (json == null) {
      json = new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT);
    }
    return json;
  }
}
