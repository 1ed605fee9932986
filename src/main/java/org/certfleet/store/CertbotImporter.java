package org.certfleet.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.certfleet.cert.CertName;
import org.certfleet.cert.CertificateBundle;
import org.jspecify.annotations.Nullable;

/**
 * Adopts certbot lineages ({@code <certbot>/archive/<name>/*N.pem} plus {@code live/<name>/} links)
 * into the store, keeping every version with its number, byte for byte, and the same live version.
 *
 * <p>Per lineage it is all or nothing. Every version is read and checked first (all four files
 * present, key matching the leaf, {@code cert}+{@code chain} equal to {@code fullchain}), and
 * certbot's four live links must agree on one version; a lineage failing any check is refused before
 * anything is written. The archive and live directories are then built under dot-named staging
 * directories and renamed into place, with a marker that stays until the end so that an interrupted
 * import is removed whole by the next {@link FileCertificateStore#writable}. A lineage the store
 * already has is refused, never merged or overwritten; other lineages carry on. The certbot
 * directory is only read.
 */
public final class CertbotImporter {
  private static final Pattern VERSIONED = Pattern.compile("([a-z]+)(\\d+)\\.pem");

  private final StoreLock lock;
  private final Checkpoint checkpoint;

  public CertbotImporter(StoreLock lock) {
    this(lock, Checkpoint.NONE);
  }

  CertbotImporter(StoreLock lock, Checkpoint checkpoint) {
    this.lock = Objects.requireNonNull(lock, "lock");
    this.checkpoint = checkpoint;
  }

  /**
   * What happened to one lineage.
   *
   * @param versions the versions imported, ascending; empty when refused
   * @param current the live version; 0 when refused
   * @param error why it was refused, naming the file; null when imported
   */
  public record Result(String name, List<Integer> versions, int current, @Nullable String error) {
    public Result {
      versions = List.copyOf(versions);
    }

    public boolean imported() {
      return error == null;
    }
  }

  /**
   * One certbot lineage, read and checked in full: every version's four files as they are on disk and
   * parsed, and the version certbot's {@code live/} links point to.
   */
  public record CertbotLineage(CertName name, Path source, SortedMap<Integer, Map<PemFile, byte[]>> files,
      SortedMap<Integer, CertificateBundle> bundles, int current) {
    public List<Integer> versions() {
      return List.copyOf(bundles.keySet());
    }
  }

  /**
   * {@code names}, or every lineage under {@code certbotDir/live} when empty, in name order.
   *
   * @throws IOException when {@code certbotDir} is not a certbot config directory
   */
  public static SortedSet<String> lineageNames(Path certbotDir, List<String> names) throws IOException {
    Path liveRoot = certbotDir.resolve("live");
    if (!Files.isDirectory(liveRoot) || !Files.isDirectory(certbotDir.resolve("archive"))) {
      throw new IOException(certbotDir + " is not a certbot directory (expected live/ and archive/ in it)");
    }
    TreeSet<String> wanted = new TreeSet<>(names);
    if (wanted.isEmpty()) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(liveRoot)) {
        for (Path p : s) {
          if (Files.isDirectory(p) && !p.getFileName().toString().startsWith(".")) {
            wanted.add(p.getFileName().toString());
          }
        }
      }
    }
    return wanted;
  }

  /**
   * Reads and checks lineage {@code name} of {@code certbotDir}; writes nothing.
   *
   * @throws IOException naming the file when a version is incomplete, does not parse or does not belong
   *     together, or the live links do not agree on one version the archive has
   */
  public static CertbotLineage read(Path certbotDir, CertName name) throws IOException {
    Path src = certbotDir.resolve("archive").resolve(name.value());
    if (!Files.isDirectory(src)) {
      throw new IOException(name + ": " + src + " does not exist");
    }
    List<Integer> versions = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(src, "cert*.pem")) {
      for (Path p : s) {
        Matcher m = VERSIONED.matcher(p.getFileName().toString());
        if (m.matches() && m.group(1).equals("cert")) {
          versions.add(Integer.parseInt(m.group(2)));
        }
      }
    }
    versions.sort(null);
    if (versions.isEmpty()) {
      throw new IOException(name + ": " + src + " holds no certN.pem");
    }
    SortedMap<Integer, Map<PemFile, byte[]>> files = new TreeMap<>();
    SortedMap<Integer, CertificateBundle> bundles = new TreeMap<>();
    for (int v : versions) {
      VersionRead version = readVersion(name, src, v);
      files.put(v, version.files());
      bundles.put(v, version.bundle());
    }
    int current = liveVersion(name, certbotDir.resolve("live").resolve(name.value()));
    if (!versions.contains(current)) {
      throw new IOException(name + ": certbot's live/ points to version " + current + ", which " + src + " does not have");
    }
    return new CertbotLineage(name, src, Collections.unmodifiableSortedMap(files),
        Collections.unmodifiableSortedMap(bundles), current);
  }

  /**
   * Imports {@code names}, or every lineage under {@code certbotDir/live} when empty, in name order.
   *
   * @throws IOException when {@code certbotDir} is not a certbot config directory, or the store cannot
   *     be opened; a problem with one lineage is reported in its {@link Result} instead
   */
  public List<Result> importLineages(Path certbotDir, List<String> names) throws IOException {
    SortedSet<String> wanted = lineageNames(certbotDir, names);
    FileCertificateStore store = FileCertificateStore.writable(lock);
    List<Result> out = new ArrayList<>();
    for (String n : wanted) {
      try {
        out.add(importOne(certbotDir, new CertName(n), store));
      } catch (IOException | IllegalArgumentException e) {
        out.add(new Result(n, List.of(), 0, e.getMessage()));
      }
    }
    return out;
  }

  private Result importOne(Path certbotDir, CertName name, FileCertificateStore store) throws IOException {
    Path archive = store.archiveDir(name);
    Path live = store.liveDir(name);
    if (Files.exists(archive, LinkOption.NOFOLLOW_LINKS) || Files.exists(live, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(name + " already exists in " + lock.stateDir() + "; not overwritten");
    }
    CertbotLineage lineage = read(certbotDir, name);
    synchronized (lock.monitor()) {
      write(name, store, lineage.files(), lineage.current(), lineage.source());
    }
    return new Result(name.value(), lineage.versions(), lineage.current(), null);
  }

  private record VersionRead(Map<PemFile, byte[]> files, CertificateBundle bundle) {}

  /** The four files of version {@code v}, checked to parse and to belong together. */
  private static VersionRead readVersion(CertName name, Path src, int v) throws IOException {
    Map<PemFile, byte[]> files = new EnumMap<>(PemFile.class);
    for (PemFile f : PemFile.values()) {
      try {
        files.put(f, Files.readAllBytes(src.resolve(f.archiveName(v))));
      } catch (NoSuchFileException e) {
        throw new IOException(name + ": version " + v + ": " + src.resolve(f.archiveName(v)) + " does not exist", e);
      }
    }
    CertificateBundle full;
    try {
      full = CertificateBundle.parse(files.get(PemFile.FULLCHAIN), files.get(PemFile.PRIVKEY));
    } catch (IllegalArgumentException e) {
      throw new IOException(name + ": version " + v + " (" + src.resolve(PemFile.FULLCHAIN.archiveName(v)) + ", "
          + PemFile.PRIVKEY.archiveName(v) + "): " + e.getMessage(), e);
    }
    String halves = src.resolve(PemFile.CERT.archiveName(v)) + ", " + PemFile.CHAIN.archiveName(v);
    CertificateBundle split;
    try {
      split = CertificateBundle.parse(files.get(PemFile.CERT), files.get(PemFile.CHAIN), files.get(PemFile.PRIVKEY));
    } catch (IllegalArgumentException e) {
      throw new IOException(name + ": version " + v + " (" + halves + "): " + e.getMessage(), e);
    }
    if (!split.leaf().equals(full.leaf()) || !split.chain().equals(full.chain())) {
      throw new IOException(name + ": version " + v + " (" + halves + "): not the same certificates as "
          + PemFile.FULLCHAIN.archiveName(v));
    }
    return new VersionRead(files, full);
  }

  /** The version all four of certbot's live links point to. */
  private static int liveVersion(CertName name, Path srcLive) throws IOException {
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (PemFile f : PemFile.values()) {
      Path link = srcLive.resolve(f.liveName());
      if (!Files.isSymbolicLink(link)) {
        throw new IOException(name + ": " + link + " is not a symlink into archive/, so certbot's live version is unknown");
      }
      Path target = Files.readSymbolicLink(link);
      Matcher m = VERSIONED.matcher(String.valueOf(target.getFileName()));
      Path parent = target.getParent();
      if (!m.matches() || !f.archiveName(Integer.parseInt(m.group(2))).equals(target.getFileName().toString())
          || parent == null || !String.valueOf(parent.getFileName()).equals(name.value())) {
        throw new IOException(name + ": " + link + " points to " + target + ", not to archive/" + name + "/"
            + f.archiveNamePattern());
      }
      seen.put(f.liveName(), Integer.parseInt(m.group(2)));
    }
    if (seen.values().stream().distinct().count() != 1) {
      throw new IOException(name + ": certbot's live links point to different versions " + seen
          + "; fix the certbot lineage first");
    }
    return seen.get(PemFile.CERT.liveName());
  }

  private void write(CertName name, FileCertificateStore store, Map<Integer, Map<PemFile, byte[]>> content, int current,
      Path src) throws IOException {
    Path archive = store.archiveDir(name);
    Path live = store.liveDir(name);
    AtomicFiles.privateDir(archive.getParent());
    AtomicFiles.privateDir(live.getParent());
    Path stagedArchive = null;
    Path stagedLive = null;
    boolean archiveMoved = false;
    boolean liveMoved = false;
    ImportStep step = ImportStep.STAGE_ARCHIVE;
    try {
      checkpoint.reached(step);
      stagedArchive = stagingDir(archive);
      AtomicFiles.write(stagedArchive.resolve(FileCertificateStore.IMPORTING),
          ("import from " + src + "\n").getBytes(StandardCharsets.UTF_8), AtomicFiles.PRIVATE_FILE);
      for (var version : content.entrySet()) {
        for (var file : version.getValue().entrySet()) {
          AtomicFiles.write(stagedArchive.resolve(file.getKey().archiveName(version.getKey())), file.getValue(),
              FileCertificateStore.permissions(file.getKey()));
        }
      }

      step = ImportStep.STAGE_LIVE;
      checkpoint.reached(step);
      stagedLive = stagingDir(live);
      // Same depth as live/<name>, so the relative targets resolve the same before and after the rename.
      for (PemFile f : PemFile.values()) {
        Files.createSymbolicLink(stagedLive.resolve(f.liveName()), FileCertificateStore.linkTarget(name, f, current));
      }
      AtomicFiles.fsyncDir(stagedLive);

      step = ImportStep.MOVE_ARCHIVE;
      checkpoint.reached(step);
      Files.move(stagedArchive, archive, StandardCopyOption.ATOMIC_MOVE);
      archiveMoved = true;
      AtomicFiles.fsyncDir(archive.getParent());

      step = ImportStep.MOVE_LIVE;
      checkpoint.reached(step);
      Files.move(stagedLive, live, StandardCopyOption.ATOMIC_MOVE);
      liveMoved = true;
      AtomicFiles.fsyncDir(live.getParent());

      step = ImportStep.CLEAR_MARKER;
      checkpoint.reached(step);
      Files.delete(archive.resolve(FileCertificateStore.IMPORTING));
      AtomicFiles.fsyncDir(archive);
    } catch (IOException | RuntimeException e) {
      IOException failure = new IOException(name + ": import failed at " + step + ", nothing imported: " + e.getMessage(), e);
      try {
        deleteIfCreated(liveMoved ? live : stagedLive);
        deleteIfCreated(archiveMoved ? archive : stagedArchive);
      } catch (IOException | RuntimeException cleanup) {
        failure.addSuppressed(cleanup);
      }
      throw failure;
    }
  }

  private static void deleteIfCreated(@Nullable Path dir) throws IOException {
    if (dir != null) {
      AtomicFiles.deleteFlatDir(dir);
    }
  }

  private static Path stagingDir(Path target) throws IOException {
    Path dir = Files.createTempDirectory(target.getParent(), FileCertificateStore.STAGING + target.getFileName() + "-");
    Files.setPosixFilePermissions(dir, AtomicFiles.PRIVATE_DIR);
    return dir;
  }
}
