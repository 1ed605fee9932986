package org.certfleet.ssh;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.certfleet.config.NodeSpec;
import org.certfleet.config.SecretResolver;
import org.jspecify.annotations.Nullable;

/**
 * Opens {@link NodeSession}s: one MINA client for the whole run, one session per node.
 *
 * <p>Trust is strict and per node: the host key must be in the node's {@code ssh.known-hosts}
 * ({@code [host]:port} entries for ports other than 22). An unknown or changed key is refused and
 * the error carries the offered key's SHA256 fingerprint; known_hosts is never written here (see
 * {@link HostKeys#pin}). Nothing of the user's {@code ~/.ssh} (config, identities, known_hosts) is
 * consulted: the node's settings in certs.yaml are the whole truth.
 */
public final class SshConnector implements AutoCloseable {
  /**
   * Key exchanges in preference order. A fresh handshake costs 0.25-0.55 s of CPU on a 2-core
   * machine, and MINA's default order starts with sntrup761 and ML-KEM hybrids computed in Java;
   * X25519 first keeps fleet-wide rollouts fast. The hybrids stay available after it.
   */
  static final List<BuiltinDHFactories> KEX_ORDER = List.of(
      BuiltinDHFactories.curve25519, BuiltinDHFactories.curve25519_libssh, BuiltinDHFactories.mlkem768x25519,
      BuiltinDHFactories.sntrup761x25519, BuiltinDHFactories.sntrup761x25519_openssh, BuiltinDHFactories.ecdhp256,
      BuiltinDHFactories.ecdhp384, BuiltinDHFactories.ecdhp521, BuiltinDHFactories.dhgex256,
      BuiltinDHFactories.dhg16_512, BuiltinDHFactories.dhg14_256);

  private static final AttributeKey<HostKeyRejection> REJECTION = new AttributeKey<>();

  private final SshClient client;
  private final SecretResolver secrets;
  private final Map<String, NodeSpec> nodesByAddress = new ConcurrentHashMap<>();
  private final Map<Path, KnownHostsServerKeyVerifier> verifiers = new ConcurrentHashMap<>();
  private final Map<Path, KeyPair> identities = new ConcurrentHashMap<>();
  /**
   * The last host-key refusal per node address. MINA may fail the connect future itself when the key
   * exchange ends quickly, and then there is no session whose attribute would carry the reason.
   */
  private final Map<String, HostKeyRejection> rejections = new ConcurrentHashMap<>();

  public SshConnector(SecretResolver secrets) {
    this.secrets = secrets;
    client = SshClient.setUpDefaultClient();
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    client.setServerKeyVerifier(this::verifyServerKey);
    List<KeyExchangeFactory> kex = new ArrayList<>();
    for (BuiltinDHFactories f : KEX_ORDER) {
      if (f.isSupported()) {
        kex.add(ClientBuilder.DH2KEX.apply(f));
      }
    }
    client.setKeyExchangeFactories(kex);
    // AES-GCM runs on the JDK's AES-NI intrinsics; MINA's ChaCha20-Poly1305 is plain Java, several times the CPU.
    client.setCipherFactories(List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm, BuiltinCiphers.aes128ctr,
        BuiltinCiphers.aes256ctr, BuiltinCiphers.cc20p1305_openssh));
    // A dead peer must not hold a rollout forever; commands get their own, per-node limit.
    CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ofMinutes(10));
    CoreModuleProperties.DISCONNECT_TIMEOUT.set(client, Duration.ofSeconds(5));
    // Every exchange here is a small request that waits for its answer. With Nagle's algorithm, the
    // request MINA sends right after its NEWKEYS waited for the server's delayed ACK: 40 ms per connection
    // with OpenSSH (strace of the lab's sshd, docs/benchmarks.md).
    CoreModuleProperties.TCP_NODELAY.set(client, true);
    client.start();
  }

  /**
   * Connects to {@code node} and authenticates with its key.
   *
   * @throws NodeAccessException naming the node: unreachable, host key unknown or changed (with the
   *     offered fingerprint), key refused, or a timeout
   */
  public NodeSession open(NodeSpec node) throws NodeAccessException {
    NodeSpec.Ssh ssh = node.ssh();
    String where = where(node);
    if (!Files.isReadable(ssh.knownHosts())) {
      throw new NodeAccessException(where + ": known_hosts file " + ssh.knownHosts()
          + " is missing or unreadable; refusing to connect without a pinned host key");
    }
    KeyPair identity = identity(node, where);
    String address = addressKey(node.address(), ssh.port());
    nodesByAddress.put(address, node);
    rejections.remove(address);
    Duration timeout = ssh.connectTimeout();
    ClientSession session = null;
    long started = System.nanoTime();
    try {
      session = client.connect(ssh.user(), node.address(), ssh.port()).verify(timeout).getSession();
      session.addPublicKeyIdentity(identity);
      CoreModuleProperties.AUTH_TIMEOUT.set(session, timeout);
      session.auth().verify(timeout);
      return new NodeSession(node, session);
    } catch (IOException | RuntimeException e) {
      HostKeyRejection rejected = session == null ? null : session.getAttribute(REJECTION);
      if (rejected == null) {
        rejected = rejections.get(address);
      }
      closeQuietly(session);
      if (rejected != null) {
        throw new NodeAccessException(where + ": " + rejected.describe(ssh.knownHosts(), node.name()));
      }
      // A peer that accepts TCP but never speaks SSH (hung sshd) ends in whichever error MINA raises while
      // closing the timed-out session; the elapsed time says what really happened.
      boolean timedOut = System.nanoTime() - started >= timeout.toNanos();
      throw new NodeAccessException(where + ": " + (timedOut && !(rootCause(e) instanceof ConnectException)
          ? "no answer within " + timeout.toMillis() + " ms (" + e.getMessage() + ")"
          : connectProblem(e, ssh, timeout)), e);
    }
  }

  /**
   * Connects without authenticating and returns the host key the node offers, trusted or not: what
   * {@code certfleet trust} shows an operator before pinning.
   */
  public PublicKey offeredHostKey(NodeSpec node) throws NodeAccessException {
    NodeSpec.Ssh ssh = node.ssh();
    SshClient scan = SshClient.setUpDefaultClient();
    scan.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    scan.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    List<PublicKey> offered = new ArrayList<>();
    scan.setServerKeyVerifier((session, remote, key) -> {
      synchronized (offered) {
        offered.add(key);
      }
      return false;
    });
    scan.start();
    try (ClientSession session = scan.connect(ssh.user(), node.address(), ssh.port())
        .verify(ssh.connectTimeout()).getSession()) {
      session.auth().await(ssh.connectTimeout());
    } catch (IOException | RuntimeException e) {
      // Expected: the verifier refuses every key, which ends the session after the key was seen.
    } finally {
      scan.stop();
    }
    synchronized (offered) {
      if (offered.isEmpty()) {
        throw new NodeAccessException(where(node) + ": the node offered no host key within "
            + ssh.connectTimeout().toSeconds() + " s");
      }
      return offered.get(0);
    }
  }

  private boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
    NodeSpec node = nodesByAddress.get(addressKey(session.getConnectAddress()));
    if (node == null) {
      return false;
    }
    KnownHostsServerKeyVerifier verifier = verifiers.computeIfAbsent(node.ssh().knownHosts(), path -> {
      KnownHostsServerKeyVerifier v = new KnownHostsServerKeyVerifier((s, r, offered) -> {
        reject(s, new HostKeyRejection(offered, null));
        return false;
      }, path);
      v.setModifiedServerKeyAcceptor((s, r, entry, expected, actual) -> {
        reject(s, new HostKeyRejection(actual, expected));
        return false;
      });
      return v;
    });
    return verifier.verifyServerKey(session, remote, key);
  }

  private void reject(ClientSession session, HostKeyRejection rejection) {
    session.setAttribute(REJECTION, rejection);
    rejections.put(addressKey(session.getConnectAddress()), rejection);
  }

  private KeyPair identity(NodeSpec node, String where) throws NodeAccessException {
    Path file = node.ssh().privateKey();
    KeyPair cached = identities.get(file);
    if (cached != null) {
      return cached;
    }
    FilePasswordProvider password = node.ssh().passphrase() == null
        ? FilePasswordProvider.EMPTY
        : FilePasswordProvider.of(secrets.resolve(node.ssh().passphrase()).reveal());
    try {
      Collection<KeyPair> keys = SecurityUtils.getKeyPairResourceParser().loadKeyPairs(null, file, password);
      if (keys == null || keys.isEmpty()) {
        throw new NodeAccessException(where + ": " + file + " holds no private key (expected an OpenSSH ed25519,"
            + " ECDSA or RSA key)");
      }
      KeyPair key = keys.iterator().next();
      identities.put(file, key);
      return key;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (e instanceof NodeAccessException n) {
        throw n;
      }
      // The parser's messages name the file and the format problem, never key bytes.
      throw new NodeAccessException(where + ": cannot load private key " + file + ": " + e.getMessage(), e);
    }
  }

  private static Throwable rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  private static String connectProblem(Exception e, NodeSpec.Ssh ssh, Duration timeout) {
    Throwable root = rootCause(e);
    String text = String.valueOf(e.getMessage());
    if (root instanceof ConnectException) {
      return "cannot connect: " + root.getMessage();
    }
    if (text.contains("No more authentication methods") || text.contains("authentication")) {
      return "authentication as " + ssh.user() + " with key " + ssh.privateKey() + " was refused";
    }
    if (text.toLowerCase(java.util.Locale.ROOT).contains("timeout") || text.contains("timed out")) {
      return "no answer within " + timeout.toMillis() + " ms (" + text + ")";
    }
    return e.getClass().getSimpleName() + ": " + text;
  }

  static String where(NodeSpec node) {
    return "node " + node.name() + " (" + node.address() + ":" + node.ssh().port() + ")";
  }

  private static String addressKey(String host, int port) {
    return host + ":" + port;
  }

  private static String addressKey(@Nullable SocketAddress a) {
    if (a instanceof InetSocketAddress i) {
      return addressKey(i.getHostString(), i.getPort());
    }
    if (a instanceof org.apache.sshd.common.util.net.SshdSocketAddress s) {
      return addressKey(s.getHostName(), s.getPort());
    }
    return String.valueOf(a);
  }

  private static void closeQuietly(@Nullable ClientSession s) {
    if (s != null) {
      try {
        s.close(true);
      } catch (RuntimeException e) {
        // closing a session that failed to start; nothing to report beyond the original error
      }
    }
  }

  @Override
  public void close() {
    client.stop();
  }

  /** Why the host key check failed: unknown (expected null) or changed. */
  private record HostKeyRejection(PublicKey offered, @Nullable PublicKey expected) {
    String describe(Path knownHosts, String node) {
      String offeredFp = KeyUtils.getFingerPrint(offered);
      if (expected == null) {
        return "host key " + KeyUtils.getKeyType(offered) + " " + offeredFp + " is not in " + knownHosts
            + "; refusing to connect (check it out of band, then: certfleet trust " + node + " --yes)";
      }
      return "host key CHANGED: the node offers " + KeyUtils.getKeyType(offered) + " " + offeredFp + " but "
          + knownHosts + " pins " + KeyUtils.getFingerPrint(expected)
          + "; refusing to connect (if the change is legitimate, remove the old entry and run certfleet trust)";
    }
  }
}
