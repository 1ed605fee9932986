package org.certfleet.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Optional;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/** known_hosts look-ups and pinning for {@code certfleet trust}; never called implicitly. */
public final class HostKeys {
  private HostKeys() {}

  /** What known_hosts says about a host's key. */
  public enum Pinned { MATCHES, DIFFERENT, ABSENT }

  /** {@code SHA256:…}, as {@code ssh-keygen -l} prints it. */
  public static String fingerprint(PublicKey key) {
    return KeyUtils.getFingerPrint(key);
  }

  public static String type(PublicKey key) {
    return KeyUtils.getKeyType(key);
  }

  /** Compares {@code key} with the entries for {@code host}:{@code port} in {@code knownHosts}. */
  public static Pinned check(Path knownHosts, String host, int port, PublicKey key) throws IOException {
    if (!Files.exists(knownHosts)) {
      return Pinned.ABSENT;
    }
    boolean any = false;
    for (KnownHostEntry e : KnownHostEntry.readKnownHostEntries(knownHosts)) {
      if (e.getMarker() != null || !e.isHostMatch(host, port)) {
        continue;
      }
      Optional<PublicKey> pinned = resolve(e);
      if (pinned.isPresent() && KeyUtils.compareKeys(pinned.get(), key)) {
        return Pinned.MATCHES;
      }
      if (pinned.isPresent() && KeyUtils.getKeyType(pinned.get()).equals(KeyUtils.getKeyType(key))) {
        any = true;
      }
    }
    return any ? Pinned.DIFFERENT : Pinned.ABSENT;
  }

  /**
   * Appends {@code key} for {@code host}:{@code port} ({@code [host]:port} unless the port is 22),
   * creating the file 0644 when missing.
   */
  public static String pin(Path knownHosts, String host, int port, PublicKey key) throws IOException {
    String hostPattern = port == 22 ? host : "[" + host + "]:" + port;
    String line = hostPattern + " " + PublicKeyEntry.toString(key);
    if (!Files.exists(knownHosts)) {
      Files.createDirectories(knownHosts.toAbsolutePath().getParent());
      Files.createFile(knownHosts, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
    }
    byte[] existing = Files.readAllBytes(knownHosts);
    boolean needsNewline = existing.length > 0 && existing[existing.length - 1] != '\n';
    Files.write(knownHosts, ((needsNewline ? "\n" : "") + line + "\n").getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.APPEND);
    return line;
  }

  private static Optional<PublicKey> resolve(KnownHostEntry e) {
    try {
      return Optional.ofNullable(e.getKeyEntry() == null ? null
          : e.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING));
    } catch (IOException | GeneralSecurityException ex) {
      return Optional.empty();
    }
  }
}
