package org.certfleet.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.certfleet.cert.CertFacts;
import org.certfleet.cert.CertName;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.cert.Pem;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certbot-compatible store under a state directory:
 *
 * <ul>
 *   <li>{@code archive/<name>/{cert,chain,fullchain,privkey}N.pem}: every version, never rewritten;
 *   <li>{@code live/<name>/*.pem}: relative symlinks ({@code ../../archive/<name>/certN.pem}) to the
 *       current version, which exists only as these links, as in certbot;
 *   <li>{@code meta/<name>.json}: {@link LineageMetadata}.
 * </ul>
 *
 * <p>A write first records an intent ({@code archive/<name>/.intent.json}: the previous current
 * version, the version being written or activated, and whether that one is new), then writes the new
 * files, switches the four links one by one and removes the intent. A failure inside the process
 * undoes it at once: links back to the previous version, new files deleted. After a crash the
 * intent is still there and {@link #writable} undoes it the same way, so {@code live/} never stays
 * mixed between two versions. Rolling back rather than forward is deliberate: the previous version
 * is known good, and the new one can be fetched or issued again.
 *
 * <p>Reads take no lock. Writes are serialised on the {@link StoreLock} within the process and
 * across processes by the lock itself; instances are thread-safe.
 */
public final class FileCertificateStore implements CertificateStore {
  private static final Logger log = LoggerFactory.getLogger(FileCertificateStore.class);
  private static final Pattern VERSIONED = Pattern.compile("(cert|chain|fullchain|privkey)(\\d+)\\.pem");
  static final String INTENT = ".intent.json";
  /** Marks an archive directory whose import has not finished; see {@link CertbotImporter}. */
  static final String IMPORTING = ".importing";
  /** Prefix of the staging directories an import builds under {@code archive/} and {@code live/}. */
  static final String STAGING = ".import-";

  private final Path stateDir;
  private final @Nullable StoreLock lock;
  private final Checkpoint checkpoint;

  private FileCertificateStore(Path stateDir, @Nullable StoreLock lock, Checkpoint checkpoint) {
    this.stateDir = stateDir;
    this.lock = lock;
    this.checkpoint = checkpoint;
  }

  /** A store for reading only; writes throw {@link IllegalStateException}. */
  public static FileCertificateStore readOnly(Path stateDir) {
    return new FileCertificateStore(stateDir, null, Checkpoint.NONE);
  }

  /**
   * A writable store on the locked state directory. First undoes whatever a crashed writer left half
   * done (interrupted saves, activations and imports; stray temp files), logging each repair.
   */
  public static FileCertificateStore writable(StoreLock lock) throws IOException {
    return writable(lock, Checkpoint.NONE);
  }

  static FileCertificateStore writable(StoreLock lock, Checkpoint checkpoint) throws IOException {
    FileCertificateStore store = new FileCertificateStore(lock.stateDir(), lock, checkpoint);
    synchronized (lock.monitor()) {
      store.repair();
    }
    return store;
  }

  public Path stateDir() {
    return stateDir;
  }

  Path archiveDir(CertName name) {
    return stateDir.resolve("archive").resolve(name.value());
  }

  Path liveDir(CertName name) {
    return stateDir.resolve("live").resolve(name.value());
  }

  private Path metaFile(CertName name) {
    return stateDir.resolve("meta").resolve(name.value() + ".json");
  }

  // ---- reading ----------------------------------------------------------------------------

  @Override
  public Optional<Lineage> find(CertName name) throws IOException {
    Optional<Integer> current = currentVersion(name);
    if (current.isEmpty()) {
      return Optional.empty();
    }
    // Read the archived file of the version just seen, not through the link: a save switching the
    // link meanwhile cannot pair one version's number with another's facts.
    Path cert = archiveDir(name).resolve(PemFile.CERT.archiveName(current.get()));
    List<X509Certificate> certs;
    try {
      certs = Pem.certificates(Files.readAllBytes(cert));
    } catch (NoSuchFileException e) {
      throw new IOException(name + ": live/cert.pem points to version " + current.get() + ", but " + cert
          + " does not exist", e);
    } catch (IllegalArgumentException e) {
      throw new IOException(name + ": " + cert + ": " + e.getMessage(), e);
    }
    if (certs.size() != 1) {
      throw new IOException(name + ": " + cert + ": expected one certificate, found " + certs.size());
    }
    return Optional.of(new Lineage(name, current.get(), versions(name), CertFacts.of(certs.get(0)), liveDir(name)));
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
        String n = p.getFileName().toString();
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !n.startsWith(".")) {
          names.add(n);
        }
      }
    }
    for (String n : names) {
      CertName name;
      try {
        name = new CertName(n);
      } catch (IllegalArgumentException e) {
        log.warn("{}: ignored, not a lineage certfleet could have written ({})", liveRoot.resolve(n), e.getMessage());
        continue;
      }
      find(name).ifPresent(out::add);
    }
    return out;
  }

  @Override
  public List<Integer> versions(CertName name) throws IOException {
    Map<Integer, Integer> files = new TreeMap<>();
    forEachVersionFile(name, v -> files.merge(v, 1, Integer::sum));
    return files.entrySet().stream().filter(e -> e.getValue() == PemFile.values().length).map(Map.Entry::getKey).toList();
  }

  @Override
  public CertificateBundle load(CertName name, int version) throws IOException {
    Path dir = archiveDir(name);
    Path fullchain = dir.resolve(PemFile.FULLCHAIN.archiveName(version));
    Path privkey = dir.resolve(PemFile.PRIVKEY.archiveName(version));
    try {
      return CertificateBundle.parse(Files.readAllBytes(fullchain), Files.readAllBytes(privkey));
    } catch (NoSuchFileException e) {
      throw new IOException(name + ": version " + version + " is not stored (" + e.getFile() + " does not exist)", e);
    } catch (IllegalArgumentException e) {
      throw new IOException(name + ": version " + version + " (" + fullchain + ", " + privkey.getFileName() + "): "
          + e.getMessage(), e);
    }
  }

  /** The version {@code live/<name>/cert.pem} points to; empty when there is no such link. */
  Optional<Integer> currentVersion(CertName name) throws IOException {
    Path link = liveDir(name).resolve(PemFile.CERT.liveName());
    if (!Files.isSymbolicLink(link)) {
      return Optional.empty();
    }
    Path target = Files.readSymbolicLink(link);
    Matcher m = VERSIONED.matcher(String.valueOf(target.getFileName()));
    if (!m.matches() || !m.group(1).equals("cert")) {
      throw new IOException(name + ": " + link + " points to " + target + ", not to an archived certN.pem");
    }
    return Optional.of(Integer.parseInt(m.group(2)));
  }

  @Override
  public LineageMetadata metadata(CertName name) throws IOException {
    Path file = metaFile(name);
    LineageMetadata m;
    try {
      m = Json.MAPPER.readValue(Files.readAllBytes(file), LineageMetadata.class);
    } catch (NoSuchFileException e) {
      return LineageMetadata.empty(name.value());
    } catch (JsonProcessingException e) {
      throw new IOException(file + ": metadata does not parse: " + e.getOriginalMessage(), e);
    }
    if (!m.name().equals(name.value())) {
      throw new IOException(file + ": holds the metadata of \"" + m.name() + "\", not of " + name);
    }
    return m;
  }

  // ---- writing ----------------------------------------------------------------------------

  @Override
  public void writeMetadata(LineageMetadata metadata) throws IOException {
    StoreLock held = requireLock();
    CertName name = new CertName(metadata.name());
    byte[] bytes = Json.MAPPER.writeValueAsBytes(metadata);
    synchronized (held.monitor()) {
      AtomicFiles.privateDir(metaFile(name).getParent());
      AtomicFiles.write(metaFile(name), bytes, AtomicFiles.PRIVATE_FILE);
    }
  }

  @Override
  public Lineage save(CertName name, CertificateBundle bundle) throws IOException {
    int version = write(name, bundle, true);
    return find(name).orElseThrow(() -> new IOException(name + ": version " + version + " saved but not found"));
  }

  @Override
  public int saveSuccessor(CertName name, CertificateBundle bundle) throws IOException {
    return write(name, bundle, false);
  }

  @Override
  public Lineage activate(CertName name, int version) throws IOException {
    StoreLock held = requireLock();
    synchronized (held.monitor()) {
      List<Integer> versions = versions(name);
      if (!versions.contains(version)) {
        throw new IOException(name + ": cannot activate version " + version + ": not a complete version in "
            + archiveDir(name) + " (complete: " + versions + ")");
      }
      load(name, version); // never point nginx at a pair that does not load
      Intent intent = new Intent(currentVersion(name).orElse(0), version, false);
      Progress progress = new Progress();
      try {
        progress.reach(SaveStep.WRITE_INTENT);
        begin(name, intent, true);
        switchLinks(progress, name, version);
        progress.reach(SaveStep.CLEAR_INTENT);
        finish(name);
      } catch (IOException | RuntimeException e) {
        throw failed(name, intent, progress, e, "activating version " + version);
      }
    }
    return find(name).orElseThrow(() -> new IOException(name + ": version " + version + " activated but not found"));
  }

  private int write(CertName name, CertificateBundle bundle, boolean activate) throws IOException {
    StoreLock held = requireLock();
    Map<PemFile, byte[]> content = render(name, bundle);
    synchronized (held.monitor()) {
      int next = highestVersion(name) + 1;
      Intent intent = new Intent(currentVersion(name).orElse(0), next, true);
      Progress progress = new Progress();
      try {
        progress.reach(SaveStep.WRITE_INTENT);
        begin(name, intent, activate);
        for (PemFile f : PemFile.values()) {
          progress.reach(SaveStep.write(f));
          AtomicFiles.write(archiveDir(name).resolve(f.archiveName(next)), content.get(f), permissions(f));
        }
        if (activate) {
          switchLinks(progress, name, next);
        }
        progress.reach(SaveStep.CLEAR_INTENT);
        finish(name);
      } catch (IOException | RuntimeException e) {
        throw failed(name, intent, progress, e, "saving version " + next);
      }
      return next;
    }
  }

  /**
   * The four files of {@code bundle}, read back before anything is written: an encoding fault must
   * not produce a version that cannot be loaded again.
   */
  private static Map<PemFile, byte[]> render(CertName name, CertificateBundle bundle) throws IOException {
    Map<PemFile, byte[]> content = new EnumMap<>(PemFile.class);
    for (PemFile f : PemFile.values()) {
      content.put(f, f.render(bundle));
    }
    try {
      CertificateBundle split = CertificateBundle.parse(content.get(PemFile.CERT), content.get(PemFile.CHAIN),
          content.get(PemFile.PRIVKEY));
      CertificateBundle full = CertificateBundle.parse(content.get(PemFile.FULLCHAIN), content.get(PemFile.PRIVKEY));
      if (!split.leaf().equals(bundle.leaf()) || !split.chain().equals(bundle.chain())
          || !full.leaf().equals(bundle.leaf()) || !full.chain().equals(bundle.chain())) {
        throw new IllegalArgumentException("the PEM files do not hold the bundle's certificates");
      }
    } catch (IllegalArgumentException e) {
      throw new IOException(name + ": refusing to store " + bundle + ": " + e.getMessage(), e);
    }
    return content;
  }

  private void begin(CertName name, Intent intent, boolean withLive) throws IOException {
    AtomicFiles.privateDir(archiveDir(name));
    if (withLive) {
      AtomicFiles.privateDir(liveDir(name));
    }
    AtomicFiles.write(archiveDir(name).resolve(INTENT), Json.MAPPER.writeValueAsBytes(intent), AtomicFiles.PRIVATE_FILE);
  }

  private void switchLinks(Progress progress, CertName name, int version) throws IOException {
    for (PemFile f : PemFile.values()) {
      progress.reach(SaveStep.switchLink(f));
      AtomicFiles.symlink(liveDir(name).resolve(f.liveName()), linkTarget(name, f, version));
    }
  }

  private void finish(CertName name) throws IOException {
    Files.delete(archiveDir(name).resolve(INTENT));
    AtomicFiles.fsyncDir(archiveDir(name));
  }

  /** Undoes {@code intent} and returns the exception to throw: the original, with cleanup errors suppressed. */
  private IOException failed(CertName name, Intent intent, Progress progress, Exception e, String action) {
    IOException failure = new IOException(name + ": " + action + " failed at " + progress.step + "; "
        + (intent.previous() > 0 ? "version " + intent.previous() + " stays live" : "no version is live") + ": "
        + e.getMessage(), e);
    try {
      undo(name, intent);
    } catch (IOException | RuntimeException cleanup) {
      failure.addSuppressed(cleanup);
    }
    return failure;
  }

  /**
   * Puts the lineage back to how {@code intent} found it: every link at the previous version (or no
   * links when there was none), the new version's files deleted when it was new, temp files and the
   * intent gone, directories the write created removed again.
   */
  private void undo(CertName name, Intent intent) throws IOException {
    Path live = liveDir(name);
    Path archive = archiveDir(name);
    if (Files.isDirectory(live, LinkOption.NOFOLLOW_LINKS)) {
      for (PemFile f : PemFile.values()) {
        Path link = live.resolve(f.liveName());
        if (intent.previous() > 0) {
          Path want = linkTarget(name, f, intent.previous());
          if (!Files.isSymbolicLink(link) || !Files.readSymbolicLink(link).equals(want)) {
            AtomicFiles.symlink(link, want);
          }
        } else {
          Files.deleteIfExists(link);
        }
      }
      AtomicFiles.removeTempFiles(live);
      AtomicFiles.fsyncDir(live);
      deleteIfEmpty(live);
    }
    if (Files.isDirectory(archive, LinkOption.NOFOLLOW_LINKS)) {
      if (intent.discardNext() && intent.next() != intent.previous()) {
        for (PemFile f : PemFile.values()) {
          Files.deleteIfExists(archive.resolve(f.archiveName(intent.next())));
        }
      }
      AtomicFiles.removeTempFiles(archive);
      Files.deleteIfExists(archive.resolve(INTENT));
      AtomicFiles.fsyncDir(archive);
      deleteIfEmpty(archive);
    }
  }

  /**
   * Undoes what a crashed writer left: an intent means a save or activation was interrupted; an
   * import marker or staging directory means an import was. Temp files are removed everywhere.
   */
  private void repair() throws IOException {
    for (String root : List.of("archive", "live")) {
      Path dir = stateDir.resolve(root);
      if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, STAGING + "*")) {
          for (Path staging : s) {
            log.warn("{}: removing the staging directory of an interrupted import", staging);
            AtomicFiles.deleteFlatDir(staging);
          }
        }
      }
    }
    AtomicFiles.removeTempFiles(stateDir.resolve("meta"));
    Path archiveRoot = stateDir.resolve("archive");
    if (!Files.isDirectory(archiveRoot, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> lineages = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(archiveRoot)) {
      s.forEach(lineages::add);
    }
    for (Path dir : lineages) {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || dir.getFileName().toString().startsWith(".")) {
        continue;
      }
      CertName name;
      try {
        name = new CertName(dir.getFileName().toString());
      } catch (IllegalArgumentException e) {
        log.warn("{}: ignored, not a lineage certfleet could have written ({})", dir, e.getMessage());
        continue;
      }
      if (Files.exists(dir.resolve(IMPORTING))) {
        log.warn("{}: an import was interrupted; removing the partial lineage (import it again)", name);
        AtomicFiles.deleteFlatDir(liveDir(name));
        AtomicFiles.deleteFlatDir(dir);
      } else if (Files.exists(dir.resolve(INTENT))) {
        Intent intent = readIntent(dir.resolve(INTENT));
        log.warn("{}: {} version {} was interrupted; rolling back, version {} is live", name,
            intent.discardNext() ? "saving" : "activating", intent.next(), intent.previous() > 0 ? intent.previous() : "(none)");
        undo(name, intent);
      } else {
        AtomicFiles.removeTempFiles(dir);
        AtomicFiles.removeTempFiles(liveDir(name));
      }
    }
  }

  private static Intent readIntent(Path file) throws IOException {
    try {
      return Json.MAPPER.readValue(Files.readAllBytes(file), Intent.class);
    } catch (JsonProcessingException e) {
      throw new IOException(file + ": the record of an interrupted write does not parse (" + e.getOriginalMessage()
          + "); repair by hand: point every live/ link at one complete version, then delete this file", e);
    }
  }

  private int highestVersion(CertName name) throws IOException {
    int[] max = {0};
    forEachVersionFile(name, v -> max[0] = Math.max(max[0], v));
    return max[0];
  }

  private interface VersionVisitor {
    void visit(int version);
  }

  private void forEachVersionFile(CertName name, VersionVisitor visitor) throws IOException {
    Path dir = archiveDir(name);
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        Matcher m = VERSIONED.matcher(p.getFileName().toString());
        if (m.matches()) {
          visitor.visit(Integer.parseInt(m.group(2)));
        }
      }
    }
  }

  private static void deleteIfEmpty(Path dir) throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      if (s.iterator().hasNext()) {
        return;
      }
    }
    Files.delete(dir);
    AtomicFiles.fsyncDir(dir.toAbsolutePath().getParent());
  }

  static Path linkTarget(CertName name, PemFile file, int version) {
    return Path.of("..", "..", "archive", name.value(), file.archiveName(version));
  }

  static Set<PosixFilePermission> permissions(PemFile file) {
    return file.isPrivate() ? AtomicFiles.PRIVATE_FILE : AtomicFiles.PUBLIC_FILE;
  }

  private StoreLock requireLock() {
    StoreLock held = lock;
    if (held == null || !held.isValid()) {
      throw new IllegalStateException("store " + stateDir + " was opened " + (held == null ? "read-only" : "with a lock"
          + " that has been released") + "; writing needs the state lock");
    }
    return held;
  }

  @Override
  public String toString() {
    return "FileCertificateStore[" + stateDir + (lock == null ? ", read-only]" : "]");
  }

  /**
   * The record of a write in progress.
   *
   * @param previous the version live before, 0 for none
   * @param next the version being written or activated
   * @param discardNext whether {@code next} is new and must be deleted when the write is undone
   */
  record Intent(int previous, int next, boolean discardNext) {}

  /** The step a write has reached, for the checkpoint and the error message. */
  private final class Progress {
    SaveStep step = SaveStep.WRITE_INTENT;

    void reach(SaveStep s) throws IOException {
      step = s;
      checkpoint.reached(s);
    }
  }

  /** Created on first use: reading the store should not pay for Jackson until it needs it. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
  }
}
