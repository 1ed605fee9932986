package org.certfleet.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Crash-safe file operations: a reader sees the old content or the new, never a mix, and a completed
 * call survives power loss (data, then the directory entry, are fsynced). Temp files live in the
 * target's own directory, so the rename is atomic and a key never touches another directory or file
 * system; they are named {@code .<name>.tmp-<random>} and {@link #removeTempFiles} finds them.
 */
public final class AtomicFiles {
  public static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
  public static final Set<PosixFilePermission> PUBLIC_FILE = PosixFilePermissions.fromString("rw-r--r--");
  public static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

  /**
   * Writes {@code data} to {@code target}, replacing it atomically. The temp file is created with
   * {@code perms} (the umask can only narrow them, and they are set exactly before the first byte), so
   * a private key is never readable by others, not even half written.
   */
  public static void write(Path target, byte[] data, Set<PosixFilePermission> perms) throws IOException {
    Path tmp = tempFor(target);
    try {
      try (FileChannel ch = createExclusive(tmp, perms)) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      move(tmp, target);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(tmp, e);
      throw e;
    }
    fsyncDir(target.getParent());
  }

  /**
   * Creates {@code file}, which must not exist (not even as a symlink, which is not followed), with
   * exactly {@code perms} before anything is written to it.
   */
  static FileChannel createExclusive(Path file, Set<PosixFilePermission> perms) throws IOException {
    FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(perms));
    try {
      // The umask may have narrowed the creation mode (never widened it); make it exact while empty.
      Files.setPosixFilePermissions(file, perms);
      return ch;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** Points {@code link} at {@code target} (kept relative as given), replacing an existing link atomically. */
  static void symlink(Path link, Path target) throws IOException {
    Path tmp = tempFor(link);
    try {
      Files.createSymbolicLink(tmp, target);
      move(tmp, link);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(tmp, e);
      throw e;
    }
    fsyncDir(link.getParent());
  }

  /**
   * Creates {@code dir} and missing parents with mode 0700 and makes the new entries durable; an
   * existing directory keeps its mode, so an operator's choice for the state directory stands.
   */
  public static void privateDir(Path dir) throws IOException {
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      privateDir(parent);
    }
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
      Files.setPosixFilePermissions(dir, PRIVATE_DIR);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(dir.toString(), null, "exists and is not a directory");
      }
      return;
    }
    if (parent != null) {
      fsyncDir(parent);
    }
  }

  /** Removes temp files left behind by a write that failed or a process that died mid-write. */
  static void removeTempFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, ".*.tmp-*")) {
      for (Path p : s) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Deletes {@code dir} and the files and links in it. It must be flat: a subdirectory is not
   * something certfleet put there, so it is reported rather than deleted.
   */
  static void deleteFlatDir(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new IOException("not deleting " + dir + ": it holds a directory " + p.getFileName()
              + " that certfleet did not create");
        }
        Files.delete(p);
      }
    }
    Files.delete(dir);
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      fsyncDir(parent);
    }
  }

  static void fsyncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot replace " + to + " atomically on this file system", e);
    }
  }

  private static void deleteQuietly(Path tmp, Exception failure) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  private static Path tempFor(Path target) {
    byte[] r = new byte[6];
    RANDOM.nextBytes(r);
    return target.resolveSibling("." + target.getFileName() + ".tmp-" + HexFormat.of().formatHex(r));
  }
}
