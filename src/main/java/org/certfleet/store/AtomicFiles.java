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
 * call survives power loss. Temp files live in the target's own directory (so the rename is atomic
 * and a key never touches another file system) and are named {@code .<name>.tmp-<random>}.
 */
public final class AtomicFiles {
  public static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
  public static final Set<PosixFilePermission> PUBLIC_FILE = PosixFilePermissions.fromString("rw-r--r--");
  public static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

  /** Writes {@code data} to {@code target}, replacing it atomically; the file has {@code perms} from creation. */
  public static void write(Path target, byte[] data, Set<PosixFilePermission> perms) throws IOException {
    Path tmp = tempFor(target);
    try {
      try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(perms))) {
        // The umask may have narrowed the creation mode; set it exactly before any byte is written.
        Files.setPosixFilePermissions(tmp, perms);
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      move(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
    fsyncDir(target.getParent());
  }

  /** Points {@code link} at the relative {@code target}, replacing an existing link atomically. */
  static void symlink(Path link, Path target) throws IOException {
    Path tmp = tempFor(link);
    try {
      Files.createSymbolicLink(tmp, target);
      move(tmp, link);
    } finally {
      Files.deleteIfExists(tmp);
    }
    fsyncDir(link.getParent());
  }

  /** Creates {@code dir} and missing parents with mode 0700; an existing one keeps its mode. */
  public static void privateDir(Path dir) throws IOException {
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (dir.getParent() != null) {
      privateDir(dir.getParent());
    }
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
      Files.setPosixFilePermissions(dir, PRIVATE_DIR);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw e;
      }
    }
  }

  /** Removes temp files left behind by a process that died mid-write. */
  static void removeTempFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, ".*.tmp-*")) {
      for (Path p : s) {
        Files.deleteIfExists(p);
      }
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

  private static Path tempFor(Path target) {
    byte[] r = new byte[6];
    RANDOM.nextBytes(r);
    return target.resolveSibling("." + target.getFileName() + ".tmp-" + HexFormat.of().formatHex(r));
  }
}
