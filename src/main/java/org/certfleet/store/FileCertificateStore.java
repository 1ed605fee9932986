package org.certfleet.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.certfleet.cert.CertFacts;
import org.certfleet.cert.CertName;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.cert.Pem;
import org.jspecify.annotations.Nullable;

/**
 * The certbot-compatible store under a state directory:
 *
 * <ul>
 *   <li>{@code archive/<name>/{cert,chain,fullchain,privkey}N.pem}: every version, never rewritten;
 *   <li>{@code live/<name>/*.pem}: relative symlinks to the current version;
 *   <li>{@code meta/<name>.json}: {@link LineageMetadata}.
 * </ul>
 *
 * <p>A save writes version N+1 completely, then records an intent file, switches the four links one
 * by one, and removes the intent. A failure inside the process switches any moved link back and
 * deletes the new version. After a crash the intent is still there, and opening the store for writing
 * rolls back the same way, so {@code live/} never stays mixed between two versions.
 */
public final class FileCertificateStore implements CertificateStore {
  static final List<String> KINDS = List.of("cert", "chain", "fullchain", "privkey");
  private static final Pattern VERSIONED = Pattern.compile("(cert|chain|fullchain|privkey)(\\d+)\\.pem");
  private static final String INTENT = ".switch";

  private final Path stateDir;
  private final @Nullable StoreLock lock;
  private final Checkpoint checkpoint;
  private final ObjectMapper json =
      new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private FileCertificateStore(Path stateDir, @Nullable StoreLock lock, Checkpoint checkpoint) {
    this.stateDir = stateDir;
    this.lock = lock;
    this.checkpoint = checkpoint;
  }

  /** A store for reading only; writes throw. */
  public static FileCertificateStore readOnly(Path stateDir) {
    return new FileCertificateStore(stateDir, null, Checkpoint.NONE);
  }

  /** A writable store; repairs what a crashed writer left half done. */
  public static FileCertificateStore writable(StoreLock lock) throws IOException {
    return writable(lock, Checkpoint.NONE);
  }

  static FileCertificateStore writable(StoreLock lock, Checkpoint checkpoint) throws IOException {
    FileCertificateStore store = new FileCertificateStore(lock.stateDir(), lock, checkpoint);
    store.repair();
    return store;
  }

  public Path stateDir() {
    return stateDir;
  }

  private Path archive(CertName name) {
    return stateDir.resolve("archive").resolve(name.value());
  }

  private Path live(CertName name) {
    return stateDir.resolve("live").resolve(name.value());
  }

  private Path meta(CertName name) {
    return stateDir.resolve("meta").resolve(name.value() + ".json");
  }

  // ---- reading ----------------------------------------------------------------------------

  @Override
  public Optional<Lineage> find(CertName name) throws IOException {
    Optional<Integer> current = currentVersion(name);
    if (current.isEmpty()) {
      return Optional.empty();
    }
    byte[] cert = Files.readAllBytes(live(name).resolve("cert.pem"));
    List<java.security.cert.X509Certificate> certs = Pem.certificates(cert);
    if (certs.isEmpty()) {
      throw new IOException(live(name).resolve("cert.pem") + ": contains no certificate");
    }
    return Optional.of(new Lineage(name, current.get(), versions(name), CertFacts.of(certs.get(0)), live(name)));
  }

  @Override
  public List<Lineage> list() throws IOException {
    Path liveRoot = stateDir.resolve("live");
    List<Lineage> out = new ArrayList<>();
    if (!Files.isDirectory(liveRoot)) {
      return out;
    }
    TreeSet<String> names = new TreeSet<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(liveRoot)) {
      for (Path p : s) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !p.getFileName().toString().startsWith(".")) {
          names.add(p.getFileName().toString());
        }
      }
    }
    for (String n : names) {
      find(new CertName(n)).ifPresent(out::add);
    }
    return out;
  }

  @Override
  public CertificateBundle load(CertName name, int version) throws IOException {
    Path dir = archive(name);
    Path fullchain = dir.resolve("fullchain" + version + ".pem");
    Path privkey = dir.resolve("privkey" + version + ".pem");
    try {
      return CertificateBundle.parse(Files.readAllBytes(fullchain), Files.readAllBytes(privkey));
    } catch (IllegalArgumentException e) {
      throw new IOException(name + " version " + version + " (" + dir + "): " + e.getMessage(), e);
    }
  }

  /** Versions with all four files present, ascending. */
  List<Integer> versions(CertName name) throws IOException {
    Map<Integer, Integer> counts = new java.util.TreeMap<>();
    Path dir = archive(name);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        Matcher m = VERSIONED.matcher(p.getFileName().toString());
        if (m.matches()) {
          counts.merge(Integer.parseInt(m.group(2)), 1, Integer::sum);
        }
      }
    }
    return counts.entrySet().stream().filter(e -> e.getValue() == KINDS.size()).map(Map.Entry::getKey).toList();
  }

  /** The version {@code live/<name>/cert.pem} points to. */
  Optional<Integer> currentVersion(CertName name) throws IOException {
    Path link = live(name).resolve("cert.pem");
    if (!Files.isSymbolicLink(link)) {
      return Optional.empty();
    }
    Matcher m = VERSIONED.matcher(Files.readSymbolicLink(link).getFileName().toString());
    if (!m.matches()) {
      throw new IOException(link + " points to " + Files.readSymbolicLink(link) + ", not an archived version");
    }
    return Optional.of(Integer.parseInt(m.group(2)));
  }

  @Override
  public LineageMetadata metadata(CertName name) throws IOException {
    try {
      return json.readValue(Files.readAllBytes(meta(name)), LineageMetadata.class);
    } catch (NoSuchFileException e) {
      return LineageMetadata.empty(name.value());
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IOException(meta(name) + ": metadata does not parse: " + e.getOriginalMessage(), e);
    }
  }

  // ---- writing ----------------------------------------------------------------------------

  @Override
  public void writeMetadata(LineageMetadata metadata) throws IOException {
    requireLock();
    CertName name = new CertName(metadata.name());
    AtomicFiles.privateDir(meta(name).getParent());
    AtomicFiles.write(meta(name), json.writeValueAsBytes(metadata), AtomicFiles.PRIVATE_FILE);
  }

  @Override
  public Lineage save(CertName name, CertificateBundle bundle) throws IOException {
    requireLock();
    Map<String, byte[]> content = Map.of("cert", bundle.certPem(), "chain", bundle.chainPem(),
        "fullchain", bundle.fullchainPem(), "privkey", bundle.privkeyPem());
    Path archive = archive(name);
    Path live = live(name);
    AtomicFiles.privateDir(archive);
    AtomicFiles.privateDir(live);
    Optional<Integer> previous = currentVersion(name);
    int next = nextVersion(name);
    List<String> switched = new ArrayList<>();
    try {
      for (String kind : KINDS) {
        checkpoint.reached(SaveStep.valueOf("WRITE_" + kind.toUpperCase(java.util.Locale.ROOT)));
        AtomicFiles.write(archive.resolve(kind + next + ".pem"), content.get(kind),
            kind.equals("privkey") ? AtomicFiles.PRIVATE_FILE : AtomicFiles.PUBLIC_FILE);
      }
      checkpoint.reached(SaveStep.WRITE_INTENT);
      AtomicFiles.write(live.resolve(INTENT), (previous.orElse(0) + " " + next).getBytes(StandardCharsets.US_ASCII),
          AtomicFiles.PRIVATE_FILE);
      for (String kind : KINDS) {
        checkpoint.reached(SaveStep.valueOf("SWITCH_" + kind.toUpperCase(java.util.Locale.ROOT)));
        switched.add(kind);
        AtomicFiles.symlink(live.resolve(kind + ".pem"), target(name, kind, next));
      }
      checkpoint.reached(SaveStep.CLEAR_INTENT);
      Files.delete(live.resolve(INTENT));
      AtomicFiles.fsyncDir(live);
    } catch (IOException | RuntimeException e) {
      IOException failure = new IOException(name + ": saving version " + next + " failed, version "
          + previous.map(String::valueOf).orElse("(none)") + " stays live: " + e.getMessage(), e);
      try {
        rollBack(name, previous.orElse(0), next, switched);
      } catch (IOException | RuntimeException cleanup) {
        failure.addSuppressed(cleanup);
      }
      throw failure;
    }
    return find(name).orElseThrow(() -> new IOException(name + ": version " + next + " saved but not found"));
  }

  private int nextVersion(CertName name) throws IOException {
    int max = 0;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(archive(name))) {
      for (Path p : s) {
        Matcher m = VERSIONED.matcher(p.getFileName().toString());
        if (m.matches()) {
          max = Math.max(max, Integer.parseInt(m.group(2)));
        }
      }
    }
    return max + 1;
  }

  /** Points links back at {@code previous} (or removes them when there was none) and deletes {@code failed}. */
  private void rollBack(CertName name, int previous, int failed, List<String> switched) throws IOException {
    Path live = live(name);
    for (String kind : switched) {
      Path link = live.resolve(kind + ".pem");
      if (previous > 0) {
        AtomicFiles.symlink(link, target(name, kind, previous));
      } else {
        Files.deleteIfExists(link);
      }
    }
    for (String kind : KINDS) {
      Files.deleteIfExists(archive(name).resolve(kind + failed + ".pem"));
    }
    AtomicFiles.removeTempFiles(archive(name));
    AtomicFiles.removeTempFiles(live);
    Files.deleteIfExists(live.resolve(INTENT));
    AtomicFiles.fsyncDir(live);
    AtomicFiles.fsyncDir(archive(name));
  }

  /** Finishes what a crashed writer left: an intent file means links may be mixed; roll them back. */
  private void repair() throws IOException {
    Path liveRoot = stateDir.resolve("live");
    if (!Files.isDirectory(liveRoot)) {
      return;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(liveRoot)) {
      for (Path dir : s) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || dir.getFileName().toString().startsWith(".")) {
          continue;
        }
        CertName name = new CertName(dir.getFileName().toString());
        Path intent = dir.resolve(INTENT);
        if (Files.exists(intent)) {
          String[] parts = Files.readString(intent, StandardCharsets.US_ASCII).strip().split(" ");
          rollBack(name, Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), KINDS);
        } else {
          AtomicFiles.removeTempFiles(dir);
          AtomicFiles.removeTempFiles(archive(name));
        }
      }
    }
  }

  private static Path target(CertName name, String kind, int version) {
    return Path.of("..", "..", "archive", name.value(), kind + version + ".pem");
  }

  private void requireLock() {
    if (lock == null || !lock.isValid()) {
      throw new IllegalStateException("store " + stateDir + " was opened read-only; writing needs the state lock");
    }
  }

  @Override
  public String toString() {
    return "FileCertificateStore[" + stateDir + "]";
  }
}
