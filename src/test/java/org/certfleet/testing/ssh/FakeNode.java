package org.certfleet.testing.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.KeySetPublickeyAuthenticator;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.common.SftpConstants;
import org.certfleet.cert.Pem;
import org.certfleet.testing.TestCertificates;

/**
 * A node for component tests: Apache MINA's in-process SSH server on 127.0.0.1 with SFTP over a real
 * directory (the node's "/"), and a recording command handler that imitates nginx: {@code nginx -t}
 * succeeds or fails as the test says, and {@code nginx -s reload} makes the node "serve" what its
 * {@code live/} (or flat) files hold at that moment, which {@link #served} exposes to a fake prober.
 * {@code mv -f} and {@code chown} are executed as a shell would (mv as an atomic rename).
 */
public final class FakeNode implements AutoCloseable {
  private static final Pattern MV = Pattern.compile("mv -f -- '([^']*)' '([^']*)'");

  public final String name;
  public final Path root;
  private final SshServer server;
  private final KeyPair hostKey;
  private final List<String> commands = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, X509Certificate> served = new ConcurrentHashMap<>();
  private final List<String> servedFiles = Collections.synchronizedList(new ArrayList<>());

  public volatile int testExit = 0;
  public volatile String testStderr = "nginx: [emerg] cannot load certificate key";
  public volatile int reloadExit = 0;
  public volatile boolean reloadTakesEffect = true;
  /**
   * When set, directory listings report a symlink as what it points to (some SFTP servers do;
   * OpenSSH reports the link itself, as lstat and this fake by default do).
   */
  public volatile boolean listingsFollowLinks;
  /**
   * How many of the next multi-command execs end at once, before reading any input, as a channel
   * closed by the server (OpenSSH's ChannelTimeout) would.
   */
  public final AtomicInteger shellsToEndAtOnce = new AtomicInteger();
  /** When > 0, the session is closed when this many SFTP write requests have arrived. */
  public volatile int dropAfterWrites = 0;
  private final AtomicInteger writes = new AtomicInteger();
  private final AtomicInteger execs = new AtomicInteger();
  private final AtomicInteger sessions = new AtomicInteger();
  private final List<String> linksAtTest = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong connectedAt = new AtomicLong();
  private final Map<String, AtomicInteger> sftpRequests = new ConcurrentHashMap<>();

  private FakeNode(String name, Path root, KeyPair hostKey, PublicKey clientKey, int sftpVersion, boolean posixRename)
      throws IOException {
    this.name = name;
    this.root = root;
    this.hostKey = hostKey;
    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPublickeyAuthenticator(new KeySetPublickeyAuthenticator("test", List.of(clientKey)));
    server.setPasswordAuthenticator(null);
    server.setKeyboardInteractiveAuthenticator(null);
    server.setFileSystemFactory(new VirtualFileSystemFactory(root));
    SftpSubsystemFactory sftp = new SftpSubsystemFactory.Builder().withFileSystemAccessor(new VerbatimLinks()).build();
    sftp.addSftpEventListener(new SftpEventListener() {
      @Override
      public void received(ServerSession session, int type, int id) {
        sftpRequests.computeIfAbsent(SftpConstants.getCommandMessageName(type), k -> new AtomicInteger()).incrementAndGet();
      }

      @Override
      public void writing(ServerSession session, String remoteHandle, FileHandle localHandle, long offset, byte[] data,
          int dataOffset, int dataLen) throws IOException {
        int limit = dropAfterWrites;
        if (limit > 0 && writes.incrementAndGet() >= limit) {
          session.close(true);
          throw new IOException("connection dropped by the test");
        }
      }
    });
    server.setSubsystemFactories(List.of(sftp));
    if (sftpVersion > 0) {
      SftpModuleProperties.SFTP_VERSION.set(server, sftpVersion);
    }
    if (!posixRename) {
      // MINA's server implements posix-rename@openssh.com; advertising only fsync imitates servers without it.
      SftpModuleProperties.OPENSSH_EXTENSIONS.set(server, "fsync@openssh.com=1");
    }
    server.setCommandFactory((channel, command) -> new Recorded(command));
    server.addSessionListener(new SessionListener() {
      @Override
      public void sessionCreated(Session session) {
        connectedAt.compareAndSet(0, System.nanoTime());
        sessions.incrementAndGet();
      }
    });
    server.start();
  }

  /** Starts a node rooted at {@code dir/<name>} that accepts {@code clientKey}. */
  public static FakeNode start(Path dir, String name, PublicKey clientKey) throws IOException {
    return start(dir, name, clientKey, TestCertificates.ecP256(), 0, true);
  }

  /**
   * @param sftpVersion the SFTP version the server insists on (3 like OpenSSH), 0 for MINA's default (6)
   * @param posixRename whether the server offers posix-rename@openssh.com
   */
  public static FakeNode start(Path dir, String name, PublicKey clientKey, KeyPair hostKey, int sftpVersion,
      boolean posixRename) throws IOException {
    Path root = Files.createDirectories(dir.resolve(name));
    return new FakeNode(name, root, hostKey, clientKey, sftpVersion, posixRename);
  }

  public int port() {
    return server.getPort();
  }

  public PublicKey hostKey() {
    return hostKey.getPublic();
  }

  /** The known_hosts line for this node. */
  public String knownHostsLine() {
    return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic());
  }

  /** The node's path as the deployer sees it, e.g. {@code /etc/letsencrypt} → a real file. */
  public Path file(String nodePath) {
    return root.resolve(nodePath.substring(1));
  }

  /**
   * Where certbot-layout {@code live/*}{@code /fullchain.pem} links pointed each time {@code nginx -t}
   * ran in a multi-command exec: what the test saw.
   */
  public List<String> linksAtTest() {
    synchronized (linksAtTest) {
      return List.copyOf(linksAtTest);
    }
  }

  /** How many SSH connections were made to this node. */
  public int sessions() {
    return sessions.get();
  }

  /** {@link System#nanoTime} when the first SSH connection arrived; 0 before. */
  public long connectedAt() {
    return connectedAt.get();
  }

  /** How many exec channels were opened (each one a shell on a real node). */
  public int execs() {
    return execs.get();
  }

  /**
   * SFTP requests received so far, by message name (e.g. {@code SSH_FXP_OPEN}); each one is a round trip
   * the client waited for.
   */
  public Map<String, Integer> sftpRequests() {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    sftpRequests.forEach((k, v) -> counts.put(k, v.get()));
    return counts;
  }

  /** The total of {@link #sftpRequests}. */
  public int sftpRoundTrips() {
    return sftpRequests.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** The commands run, in order; those of a multi-command exec one by one. */
  public List<String> commands() {
    synchronized (commands) {
      return List.copyOf(commands);
    }
  }

  /** When set, the node serves nothing (as if nginx were down): every probe fails. */
  public volatile boolean down;

  /** What the node serves for {@code sni}: the leaf nginx loaded at the last effective reload. */
  public X509Certificate served(String sni) {
    return down ? null : served.get(sni);
  }

  /**
   * Installs {@code b} as version 1 of {@code cert} in certbot's layout under {@code /etc/letsencrypt}
   * (archive files and relative live/ links), as a node managed by hand would have it.
   */
  public void installCertbot(String cert, org.certfleet.cert.CertificateBundle b) throws IOException {
    Path archive = Files.createDirectories(file("/etc/letsencrypt/archive/" + cert));
    Path live = Files.createDirectories(file("/etc/letsencrypt/live/" + cert));
    Files.write(archive.resolve("cert1.pem"), b.certPem());
    Files.write(archive.resolve("chain1.pem"), b.chainPem());
    Files.write(archive.resolve("fullchain1.pem"), b.fullchainPem());
    Files.write(archive.resolve("privkey1.pem"), b.privkeyPem());
    for (String kind : List.of("cert", "chain", "fullchain", "privkey")) {
      Files.createSymbolicLink(live.resolve(kind + ".pem"), Path.of("../../archive/" + cert + "/" + kind + "1.pem"));
    }
  }

  /** Makes the node serve {@code leaf} for {@code sni} until its next reload (a vanity domain, a misconfiguration). */
  public void serve(String sni, X509Certificate leaf) {
    served.put(sni, leaf);
  }

  /** Marks {@code fullchain} (a node path) as configured in nginx for its certificate's names. */
  public void serveFrom(String fullchainNodePath) {
    servedFiles.add(fullchainNodePath);
    reload();
  }

  private void reload() {
    synchronized (servedFiles) {
      for (String f : servedFiles) {
        Path p = file(f);
        if (!Files.exists(p)) {
          continue;
        }
        try {
          X509Certificate leaf = Pem.certificates(Files.readAllBytes(p)).get(0);
          for (List<?> san : leaf.getSubjectAlternativeNames()) {
            served.put(String.valueOf(san.get(1)), leaf);
          }
        } catch (IOException | java.security.cert.CertificateParsingException e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  /**
   * A certs.yaml deploying media.hachyderm.io to {@code nodes} (group {@code cdn}), each probed on its
   * SSH port (the fake prober's key), with {@code nginx -t} / {@code nginx -s reload} as commands.
   *
   * @param nodeSettings extra {@code node-defaults} keys
   * @param deploy the body of the {@code deploy:} section (indented lines), or empty
   */
  public static String config(Path keyFile, Path knownHosts, java.util.Collection<FakeNode> nodes,
      Map<String, String> nodeSettings, String deploy, Path stateDir) {
    StringBuilder y = new StringBuilder("""
        acme:
          directory: pebble
          email: ops@hachyderm.io
          agree-to-terms: true
        dns:
          default-provider: bind
          providers:
            - name: bind
              type: exec
              options:
                command: /bin/true
        certificates:
          - name: media.hachyderm.io
            domains: [media.hachyderm.io]
            deploy-to: [cdn]
        node-defaults:
          ssh:
            user: test
        """);
    y.append("    private-key: ").append(keyFile).append('\n');
    y.append("    known-hosts: ").append(knownHosts).append('\n');
    y.append("    connect-timeout: 10s\n    command-timeout: 10s\n");
    y.append("  test-command: nginx -t\n  reload-command: nginx -s reload\n");
    nodeSettings.forEach((k, v) -> y.append("  ").append(k).append(": ").append(v).append('\n'));
    y.append("nodes:\n");
    for (FakeNode n : nodes) {
      y.append("  - name: ").append(n.name).append("\n    address: 127.0.0.1\n    ssh:\n      port: ").append(n.port())
          .append("\n    probe-port: ").append(n.port()).append('\n');
    }
    y.append("groups:\n  - name: cdn\n    nodes: [")
        .append(String.join(", ", nodes.stream().map(n -> n.name).toList())).append("]\n");
    if (!deploy.isEmpty()) {
      y.append("deploy:\n").append(deploy);
    }
    y.append("state:\n  dir: ").append(stateDir).append('\n');
    return y.toString();
  }

  /** Writes an OpenSSH private key file for {@code key}, mode 0600. */
  public static Path writeClientKey(Path file, KeyPair key) throws IOException {
    return writeClientKey(file, key, null);
  }

  /** Writes an OpenSSH private key file, encrypted (bcrypt KDF, AES-256-CTR) when {@code passphrase} is set. */
  public static Path writeClientKey(Path file, KeyPair key, String passphrase) throws IOException {
    org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext enc = null;
    if (passphrase != null) {
      enc = new org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext();
      enc.setPassword(passphrase);
      enc.setCipherName("AES");
      enc.setCipherMode("CTR");
      enc.setCipherType("256");
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "certfleet test", enc, out);
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  @Override
  public void close() throws IOException {
    server.stop(true);
  }

  /**
   * Symlink targets stored and read verbatim, as OpenSSH's sftp-server does: MINA's rooted file
   * system resolves a relative target such as certbot's {@code ../../archive/x/cert1.pem} against
   * the root and refuses it as escaping.
   */
  private final class VerbatimLinks implements SftpFileSystemAccessor {
    @Override
    public void createLink(SftpSubsystemProxy subsystem, Path link, Path existing, boolean symLink) throws IOException {
      if (!symLink) {
        SftpFileSystemAccessor.super.createLink(subsystem, link, existing, false);
        return;
      }
      Files.createSymbolicLink(real(link), Path.of(existing.toString()));
    }

    @Override
    public String resolveLinkTarget(SftpSubsystemProxy subsystem, Path link) throws IOException {
      return Files.readSymbolicLink(real(link)).toString();
    }

    @Override
    public NavigableMap<String, Object> resolveReportedFileAttributes(SftpSubsystemProxy subsystem, Path file, int flags,
        NavigableMap<String, Object> attrs, LinkOption... options) throws IOException {
      if (listingsFollowLinks && Boolean.TRUE.equals(attrs.get("isSymbolicLink")) && inDirectoryListing()) {
        NavigableMap<String, Object> followed = new TreeMap<>(attrs);
        followed.put("isSymbolicLink", false);
        followed.put("isRegularFile", true);
        return followed;
      }
      return attrs;
    }

    /** MINA resolves attributes the same way for lstat and for listings; only the caller tells them apart. */
    private boolean inDirectoryListing() {
      return StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> f.getMethodName().equals("doReadDir")));
    }

    private Path real(Path virtual) {
      return file(virtual.toAbsolutePath().normalize().toString());
    }
  }

  /** One exec request: recorded, then answered like the real tool would. */
  private final class Recorded implements Command {
    private final String command;
    private java.io.InputStream in;
    private volatile Process process;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;

    Recorded(String command) {
      this.command = command;
    }

    @Override
    public void setInputStream(java.io.InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
      this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
      execs.incrementAndGet();
      if (command.contains("\n")) {
        startScript();
        return;
      }
      commands.add(command);
      int rc;
      ByteArrayOutputStream e = new ByteArrayOutputStream();
      if (command.endsWith("nginx -t")) {
        rc = testExit;
        e.writeBytes((rc == 0 ? "nginx: configuration file /etc/nginx/nginx.conf test is successful\n"
            : testStderr + "\nnginx: configuration file /etc/nginx/nginx.conf test failed\n").getBytes(StandardCharsets.UTF_8));
      } else if (command.endsWith("nginx -s reload")) {
        rc = reloadExit;
        if (rc == 0 && reloadTakesEffect) {
          reload();
        }
      } else if (command.startsWith("mv -f")) {
        Matcher m = MV.matcher(command);
        if (m.matches()) {
          Files.move(file(m.group(1)), file(m.group(2)), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          rc = 0;
        } else {
          rc = 2;
        }
      } else if (command.startsWith("chown")) {
        rc = 0;
      } else {
        e.writeBytes(("sh: " + command + ": not found\n").getBytes(StandardCharsets.UTF_8));
        rc = 127;
      }
      err.write(e.toByteArray());
      err.flush();
      out.flush();
      exit.onExit(rc);
    }

    /**
     * A multi-line command (several commands in one exec) runs in a real {@code /bin/sh}, on its own
     * thread and with the channel's input piped to it (the script waits for a go-ahead line there),
     * where {@code nginx} and {@code sudo} are shell functions that answer as above and log each call;
     * the calls are recorded in order and a successful reload takes effect when the script ends.
     */
    private void startScript() throws IOException {
      Path dir = Files.createTempDirectory(root.getParent(), "exec");
      Path log = dir.resolve("calls");
      Path stdout = dir.resolve("out");
      Path stderr = dir.resolve("err");
      ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", SHELL_FAKES + command);
      pb.environment().put("FAKE_LOG", log.toString());
      pb.environment().put("FAKE_ROOT", root.toString());
      pb.environment().put("FAKE_TEST_EXIT", Integer.toString(testExit));
      pb.environment().put("FAKE_TEST_STDERR", testStderr);
      pb.environment().put("FAKE_RELOAD_EXIT", Integer.toString(reloadExit));
      pb.redirectOutput(stdout.toFile());
      pb.redirectError(stderr.toFile());
      process = pb.start();
      Process p = process;
      if (shellsToEndAtOnce.getAndUpdate(k -> Math.max(0, k - 1)) > 0) {
        p.destroy();
      }
      Thread feed = new Thread(() -> {
        try (OutputStream to = p.getOutputStream()) {
          in.transferTo(to);
        } catch (IOException e) {
          // the script exited, or the channel closed: nothing more to pass on
        }
      }, "fake-node-stdin");
      feed.setDaemon(true);
      feed.start();
      Thread wait = new Thread(() -> {
        try {
          int rc = p.waitFor();
          List<String> calls = Files.exists(log) ? Files.readAllLines(log) : List.of();
          commands.addAll(calls);
          Path links = dir.resolve("calls.links");
          if (Files.exists(links)) {
            linksAtTest.addAll(Files.readAllLines(links));
          }
          if (calls.stream().anyMatch(c -> c.endsWith("nginx -s reload")) && reloadExit == 0 && reloadTakesEffect) {
            reload();
          }
          out.write(Files.readAllBytes(stdout));
          err.write(Files.readAllBytes(stderr));
          out.flush();
          err.flush();
          exit.onExit(rc);
        } catch (IOException e) {
          exit.onExit(255, e.toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "fake-node-script");
      wait.setDaemon(true);
      wait.start();
    }

    @Override
    public void destroy(ChannelSession channel) {
      Process p = process;
      if (p != null) {
        // as sshd does when the channel closes under a running command: no more input
        p.destroy();
      }
    }
  }

  private static final String SHELL_FAKES = """
      nginx() {
        printf '%snginx %s\\n' "$FAKE_SUDO" "$*" >>"$FAKE_LOG"
        case "$*" in
          -t)
            for l in "$FAKE_ROOT"/etc/letsencrypt/live/*/fullchain.pem; do
              if [ -L "$l" ]; then readlink "$l" >>"$FAKE_LOG.links"; fi
            done
            if [ "$FAKE_TEST_EXIT" -eq 0 ]; then
              echo 'nginx: configuration file /etc/nginx/nginx.conf test is successful' >&2
            else
              printf '%s\\n' "$FAKE_TEST_STDERR" 'nginx: configuration file /etc/nginx/nginx.conf test failed' >&2
            fi
            return "$FAKE_TEST_EXIT" ;;
          '-s reload') return "$FAKE_RELOAD_EXIT" ;;
          *) echo "nginx: invalid option: $*" >&2; return 1 ;;
        esac
      }
      FAKE_SUDO=
      sudo() {
        [ "$1" = -n ] || { echo 'sudo: a password is required' >&2; return 1; }
        shift
        FAKE_SUDO='sudo -n '
        "$@"
        set -- $?
        FAKE_SUDO=
        return "$1"
      }
      """;
}
