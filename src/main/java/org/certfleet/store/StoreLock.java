package org.certfleet.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Set;

/**
 * The one-writer lock on a state directory: an OS file lock on {@code <state>/lock}, which the kernel
 * releases when the holder dies, so a crash never leaves a stale lock behind. The file records who
 * holds it for the message the next process shows.
 */
public final class StoreLock implements AutoCloseable {
  private final Path stateDir;
  private final FileChannel channel;
  private final FileLock lock;
  /** Serialises writers within this process; the file lock only excludes other processes. */
  private final Object monitor = new Object();

  private StoreLock(Path stateDir, FileChannel channel, FileLock lock) {
    this.stateDir = stateDir;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock without waiting, creating the state directory (0700) if needed.
   *
   * @throws StoreLockedException {@code state directory D is locked by pid N since T}
   */
  public static StoreLock acquire(Path stateDir, Clock clock) throws IOException {
    AtomicFiles.privateDir(stateDir);
    Path file = stateDir.resolve("lock");
    FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(AtomicFiles.PRIVATE_FILE));
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
      ch.close();
      throw new StoreLockedException("state directory " + stateDir + " is locked by "
          + (holder.isEmpty() ? "another process" : holder));
    }
    ch.truncate(0);
    ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " since " + clock.instant() + "\n")
        .getBytes(StandardCharsets.UTF_8)), 0);
    ch.force(true);
    return new StoreLock(stateDir, ch, lock);
  }

  public Path stateDir() {
    return stateDir;
  }

  Object monitor() {
    return monitor;
  }

  boolean isValid() {
    return lock.isValid();
  }

  @Override
  public void close() throws IOException {
    try {
      if (lock.isValid()) {
        channel.truncate(0);
        lock.release();
      }
    } finally {
      channel.close();
    }
  }
}
