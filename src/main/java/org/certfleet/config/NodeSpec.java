package org.certfleet.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One node that serves certificates, with {@code node-defaults} already applied.
 *
 * @param baseDir the certbot-style root on the node ({@code archive/}, {@code live/} below it); used
 *     with {@link Layout#CERTBOT}
 * @param flat the file paths for {@link Layout#FLAT}, null otherwise
 * @param owner {@code user[:group]} to chown deployed files to, or null to leave the SSH user's
 * @param certMode octal mode of certificate files, e.g. {@code 0644}
 * @param keyMode octal mode of private key files, e.g. {@code 0600}
 * @param sudo prefix the test and reload commands with {@code sudo -n}
 */
public record NodeSpec(
    String name,
    String address,
    Ssh ssh,
    Layout layout,
    String baseDir,
    @Nullable FlatPaths flat,
    @Nullable String owner,
    int certMode,
    int keyMode,
    String testCommand,
    String reloadCommand,
    boolean sudo,
    int probePort) {

  public NodeSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(ssh, "ssh");
    Objects.requireNonNull(layout, "layout");
    Objects.requireNonNull(baseDir, "baseDir");
    Objects.requireNonNull(testCommand, "testCommand");
    Objects.requireNonNull(reloadCommand, "reloadCommand");
  }

  /** How certificate files are laid out on the node. */
  public enum Layout {
    /** {@code archive/<name>/*N.pem} plus {@code live/<name>/*.pem} symlinks, as certbot does. */
    CERTBOT,
    /** Two fixed files per certificate, replaced atomically; the previous pair kept as a backup. */
    FLAT
  }

  /**
   * Paths for the flat layout; {@code {name}} is replaced by the certificate name.
   */
  public record FlatPaths(String fullchain, String privkey) {
    public FlatPaths {
      Objects.requireNonNull(fullchain, "fullchain");
      Objects.requireNonNull(privkey, "privkey");
    }
  }

  /**
   * How certfleet reaches the node.
   *
   * @param passphrase reference to the private key's passphrase, or null for an unencrypted key
   */
  public record Ssh(
      String user,
      int port,
      Path privateKey,
      @Nullable SecretRef passphrase,
      Path knownHosts,
      Duration connectTimeout,
      Duration commandTimeout) {
    public Ssh {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(privateKey, "privateKey");
      Objects.requireNonNull(knownHosts, "knownHosts");
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      Objects.requireNonNull(commandTimeout, "commandTimeout");
    }
  }
}
