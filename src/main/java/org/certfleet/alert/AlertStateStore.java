package org.certfleet.alert;

import java.io.IOException;
import java.time.Duration;

/**
 * Where the alert state lives. Every change happens between {@link #lock} and the lock's close, so two
 * certfleet processes never send the same queued message twice.
 */
public interface AlertStateStore {
  /**
   * Takes the exclusive lock, waiting at most {@code wait}.
   *
   * @throws IOException naming the store when the lock is still held by someone else after the wait
   */
  Lock lock(Duration wait) throws IOException, InterruptedException;

  /** The held lock; the state may be read and written only while it is held. */
  interface Lock extends AutoCloseable {
    AlertState load() throws IOException;

    /** Replaces the stored state atomically: a crash leaves the old state or the new, never a mix. */
    void save(AlertState state) throws IOException;

    @Override
    void close() throws IOException;
  }
}
