package org.certfleet;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Function;
import org.certfleet.alert.AlertChannels;
import org.certfleet.cli.CliContext;
import org.certfleet.cli.CommandFactory;
import org.certfleet.cli.ErrorHandler;
import org.certfleet.cli.Logging;
import org.certfleet.cli.RootCommand;
import org.certfleet.config.ConfigLoader;
import org.certfleet.config.SecretResolver;
import org.certfleet.dns.DnsProviders;
import org.certfleet.state.StateAccess;
import org.certfleet.time.Sleeper;
import picocli.CommandLine;

/**
 * The composition root: the only place where the real clock, sleeper, environment and plugin
 * registries are created and the object graph is wired by hand.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = run(args, out, err, System::getenv);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs one command line and returns its exit code; never calls {@code System.exit}. */
  public static int run(String[] args, PrintWriter out, PrintWriter err, Function<String, String> env) {
    Clock clock = Clock.systemUTC();
    Sleeper sleeper = duration -> Thread.sleep(duration.toMillis());
    SecretResolver secrets = new SecretResolver(env);
    DnsProviders dnsProviders = Plugins.dnsProviders(Path.of("").toAbsolutePath(), clock, sleeper);
    ConfigLoader loader = new ConfigLoader(dnsProviders, AlertChannels.standard());
    // Closed when the command ends: with a cluster: section it holds the database pool.
    try (StateAccess state = new StateAccess(secrets, clock, sleeper)) {
      return run(args, out, err, env, loader, secrets, clock, sleeper, dnsProviders, state);
    }
  }

  private static int run(String[] args, PrintWriter out, PrintWriter err, Function<String, String> env, ConfigLoader loader,
      SecretResolver secrets, Clock clock, Sleeper sleeper, DnsProviders dnsProviders, StateAccess state) {
    CliContext ctx = new CliContext(out, err, env, loader, secrets, clock, sleeper, dnsProviders, state);

    CommandLine cl = new CommandLine(RootCommand.class, new CommandFactory(ctx));
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(new ErrorHandler(ctx));
    cl.setExecutionStrategy(
        parseResult -> {
          Logging.configure(ctx.root().logFormat(), ctx.root().verbose());
          return new CommandLine.RunLast().execute(parseResult);
        });
    return cl.execute(args);
  }
}
