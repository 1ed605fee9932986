package org.certfleet.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.certfleet.cert.CertName;
import org.certfleet.cert.CertificateBundle;
import org.jspecify.annotations.Nullable;

/**
 * Adopts certbot lineages ({@code <certbot>/archive/<name>/*N.pem} plus {@code live/<name>/} links)
 * into the store, keeping every version and its number, and the same current version.
 *
 * <p>Per lineage it is all or nothing: every version's key must parse and match its certificate, the
 * versions are copied into a temporary directory inside {@code archive/} and renamed into place in
 * one step, and only then are the links created. A lineage the store already has is refused, never
 * overwritten; other lineages carry on.
 */
public final class CertbotImporter {
  private static final Pattern CERT = Pattern.compile("cert(\\d+)\\.pem");

  private final StoreLock lock;

  public CertbotImporter(StoreLock lock) {
    this.lock = Objects.requireNonNull(lock, "lock");
  }

  /** What happened to one lineage. {@code error} is null when it was imported. */
  public record Result(String name, List<Integer> versions, int current, @Nullable String error) {
    public Result {
      versions = List.copyOf(versions);
    }

    public boolean imported() {
      return error == null;
    }
  }

  /**
   * Imports {@code names}, or every lineage under {@code certbotDir/live} when empty.
   *
   * @throws IOException when {@code certbotDir} is not a certbot config directory
   */
  public List<Result> importLineages(Path certbotDir, List<String> names) throws IOException {
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
    Path src = certbotDir.resolve("archive").resolve(name.value());
    Path srcLive = certbotDir.resolve("live").resolve(name.value());
    if (!Files.isDirectory(src)) {
      throw new IOException(src + ": no such certbot archive");
    }
    Path target = lock.stateDir().resolve("archive").resolve(name.value());
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) || store.find(name).isPresent()) {
      throw new IOException(name + " already exists in " + lock.stateDir() + "; not overwritten");
    }
    List<Integer> versions = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(src, "cert*.pem")) {
      for (Path p : s) {
        Matcher m = CERT.matcher(p.getFileName().toString());
        if (m.matches()) {
          versions.add(Integer.parseInt(m.group(1)));
        }
      }
    }
    versions.sort(null);
    if (versions.isEmpty()) {
      throw new IOException(src + ": no certN.pem versions");
    }
    for (int v : versions) {
      Path fullchain = src.resolve("fullchain" + v + ".pem");
      Path privkey = src.resolve("privkey" + v + ".pem");
      try {
        CertificateBundle.parse(Files.readAllBytes(fullchain), Files.readAllBytes(privkey));
      } catch (IllegalArgumentException | java.nio.file.NoSuchFileException e) {
        throw new IOException(name + ": version " + v + " (" + fullchain.getFileName() + ", " + privkey.getFileName()
            + "): " + (e instanceof IllegalArgumentException ? e.getMessage() : "missing " + e.getMessage()), e);
      }
    }
    int current = currentVersion(srcLive).orElse(versions.get(versions.size() - 1));
    if (!versions.contains(current)) {
      throw new IOException(srcLive + " points to version " + current + ", which is not in " + src);
    }

    Path archiveRoot = target.getParent();
    AtomicFiles.privateDir(archiveRoot);
    Path staging = Files.createTempDirectory(archiveRoot, ".import-" + name.value() + "-");
    try {
      Files.setPosixFilePermissions(staging, AtomicFiles.PRIVATE_DIR);
      for (int v : versions) {
        for (String kind : FileCertificateStore.KINDS) {
          AtomicFiles.write(staging.resolve(kind + v + ".pem"), Files.readAllBytes(src.resolve(kind + v + ".pem")),
              kind.equals("privkey") ? AtomicFiles.PRIVATE_FILE : AtomicFiles.PUBLIC_FILE);
        }
      }
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      if (Files.exists(staging)) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(staging)) {
          for (Path p : s) {
            Files.deleteIfExists(p);
          }
        }
        Files.deleteIfExists(staging);
      }
    }
    AtomicFiles.fsyncDir(archiveRoot);
    Path live = lock.stateDir().resolve("live").resolve(name.value());
    AtomicFiles.privateDir(live);
    for (String kind : FileCertificateStore.KINDS) {
      AtomicFiles.symlink(live.resolve(kind + ".pem"), Path.of("..", "..", "archive", name.value(), kind + current + ".pem"));
    }
    return new Result(name.value(), versions, current, null);
  }

  private static Optional<Integer> currentVersion(Path srcLive) throws IOException {
    Path link = srcLive.resolve("cert.pem");
    if (!Files.isSymbolicLink(link)) {
      return Optional.empty();
    }
    Matcher m = CERT.matcher(Files.readSymbolicLink(link).getFileName().toString());
    return m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }
}
