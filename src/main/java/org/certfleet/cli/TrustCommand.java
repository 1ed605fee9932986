package org.certfleet.cli;

import java.security.PublicKey;
import java.util.concurrent.Callable;
import org.certfleet.config.AppConfig;
import org.certfleet.config.NodeSpec;
import org.certfleet.ssh.HostKeys;
import org.certfleet.ssh.SshConnector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code certfleet trust NODE [--yes] [--fingerprint SHA256:…]}: show, and only on request pin, a node's host key. */
@Command(
    name = "trust",
    description = {
      "Show the SSH host key a node offers and whether the node's known_hosts pins it.",
      "With --yes, append it to known_hosts (compare the fingerprint out of band first, e.g. with",
      "`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the node, or pass it as --fingerprint).",
      "A key that differs from a pinned one is never replaced: remove the old entry by hand."
    })
final class TrustCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NODE", description = "the node, as named in certs.yaml")
  String node;

  @Option(names = "--yes", description = "pin the offered key in the node's known_hosts")
  boolean yes;

  @Option(names = "--fingerprint", paramLabel = "SHA256:…", description = "pin only if the offered key has this fingerprint")
  @org.jspecify.annotations.Nullable String fingerprint;

  TrustCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    AppConfig config = ctx.loadConfig();
    NodeSpec n = config.node(node).orElseThrow(() -> new ParameterException(spec.commandLine(),
        "no node named " + node + " in " + ctx.configLabel()));
    PublicKey key;
    try (SshConnector ssh = new SshConnector(ctx.secrets())) {
      key = ssh.offeredHostKey(n);
    }
    String fp = HostKeys.fingerprint(key);
    ctx.out().printf("%s (%s:%d) offers %s %s%n", n.name(), n.address(), n.ssh().port(), HostKeys.type(key), fp);
    HostKeys.Pinned pinned = HostKeys.check(n.ssh().knownHosts(), n.address(), n.ssh().port(), key);
    switch (pinned) {
      case MATCHES -> {
        ctx.out().printf("already pinned in %s%n", n.ssh().knownHosts());
        return ExitCodes.OK;
      }
      case DIFFERENT -> {
        ctx.err().printf("error: %s pins a DIFFERENT %s key for %s:%d; not replacing it. If the node was reinstalled,"
            + " remove the old entry (ssh-keygen -R '[%s]:%d' -f %s) and run trust again%n", n.ssh().knownHosts(),
            HostKeys.type(key), n.address(), n.ssh().port(), n.address(), n.ssh().port(), n.ssh().knownHosts());
        return ExitCodes.FAILURE;
      }
      case ABSENT -> {
        if (fingerprint != null && !fingerprint.equals(fp)) {
          ctx.err().printf("error: the offered key is %s, not the expected %s; not pinning%n", fp, fingerprint);
          return ExitCodes.FAILURE;
        }
        if (!yes) {
          ctx.out().printf("not pinned in %s; after checking the fingerprint, run: certfleet trust %s --yes%n",
              n.ssh().knownHosts(), n.name());
          return ExitCodes.FAILURE;
        }
        String line = HostKeys.pin(n.ssh().knownHosts(), n.address(), n.ssh().port(), key);
        ctx.out().printf("pinned in %s: %s%n", n.ssh().knownHosts(), line);
        return ExitCodes.OK;
      }
      default -> throw new IllegalStateException(pinned.toString());
    }
  }
}
