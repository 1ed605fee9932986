package org.certfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void aPrivateFileIsPrivateBeforeItsFirstByte() throws IOException {
    Path key = dir.resolve(".privkey1.pem.tmp-0");

    try (FileChannel ch = AtomicFiles.createExclusive(key, AtomicFiles.PRIVATE_FILE)) {
      assertThat(ch.size()).isZero();
      assertThat(mode(key)).isEqualTo("rw-------");
    }
  }

  @Test
  void aPublicFileIs0644() throws IOException {
    Path cert = dir.resolve("cert1.pem");

    AtomicFiles.write(cert, "x".getBytes(StandardCharsets.US_ASCII), AtomicFiles.PUBLIC_FILE);

    assertThat(mode(cert)).isEqualTo("rw-r--r--");
  }

  @Test
  void neverWritesThroughAPlantedSymlink() throws IOException {
    Path elsewhere = dir.resolve("elsewhere");
    Path planted = Files.createSymbolicLink(dir.resolve(".privkey1.pem.tmp-0"), elsewhere);

    assertThatThrownBy(() -> AtomicFiles.createExclusive(planted, AtomicFiles.PRIVATE_FILE))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(elsewhere).doesNotExist();
  }

  @Test
  void replacesAtomicallyAndLeavesNoTempFile() throws IOException {
    Path target = dir.resolve("privkey.pem");
    AtomicFiles.write(target, "old".getBytes(StandardCharsets.US_ASCII), AtomicFiles.PUBLIC_FILE);

    AtomicFiles.write(target, "new".getBytes(StandardCharsets.US_ASCII), AtomicFiles.PRIVATE_FILE);

    assertThat(Files.readString(target)).isEqualTo("new");
    assertThat(mode(target)).as("the mode comes with the new file").isEqualTo("rw-------");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("privkey.pem");
    }
  }

  @Test
  void aFailedWriteLeavesNothing() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("sub"));
    // The rename fails: a non-empty directory sits where the file should go.
    Files.createFile(Files.createDirectory(sub.resolve("target")).resolve("x"));

    assertThatThrownBy(() -> AtomicFiles.write(sub.resolve("target"), new byte[] {1}, AtomicFiles.PRIVATE_FILE))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> AtomicFiles.write(dir.resolve("missing/file"), new byte[] {1}, AtomicFiles.PRIVATE_FILE))
        .isInstanceOf(NoSuchFileException.class);

    try (Stream<Path> s = Files.list(sub)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("target");
    }
  }

  @Test
  void replacesASymlinkAtomicallyKeepingItsTargetRelative() throws IOException {
    Path link = dir.resolve("cert.pem");
    AtomicFiles.symlink(link, Path.of("../archive/x/cert1.pem"));

    AtomicFiles.symlink(link, Path.of("../archive/x/cert2.pem"));

    assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("../archive/x/cert2.pem"));
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("cert.pem");
    }
  }

  @Test
  void createsMissingDirectoriesPrivate() throws IOException {
    Path deep = dir.resolve("a/b/c");

    AtomicFiles.privateDir(deep);

    for (Path p : new Path[] {dir.resolve("a"), dir.resolve("a/b"), deep}) {
      assertThat(mode(p)).as(p.toString()).isEqualTo("rwx------");
    }
    Files.createFile(dir.resolve("file"));
    assertThatThrownBy(() -> AtomicFiles.privateDir(dir.resolve("file")))
        .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("exists and is not a directory");
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }
}
