package org.certfleet.state;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.certfleet.config.AppConfig;
import org.certfleet.config.ClusterConfig;
import org.certfleet.config.SecretResolver;
import org.certfleet.db.Database;
import org.certfleet.time.Sleeper;

/**
 * The composition point of the state: for a config, its {@link StateStores}: the state directory's
 * files, or, when the config has a {@code cluster:} section, the shared database. One per process,
 * created by the composition root; a database pool it opens is kept for the next call with the same
 * {@code cluster:} section and closed by {@link #close}. Thread-safe.
 */
public final class StateAccess implements AutoCloseable {
  private final SecretResolver secrets;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Map<ClusterConfig, Opened> databases = new HashMap<>();
  private boolean closed;

  private record Opened(Database database, DatabaseStateStores stores) {}

  public StateAccess(SecretResolver secrets, Clock clock, Sleeper sleeper) {
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /**
   * The stores of {@code config}'s state. Opening the database does not wait for it: while it is down,
   * each use fails within the pool's timeout ({@code cluster.connect-timeout}). The schema is not
   * checked here; {@code certfleet db migrate} creates it.
   *
   * @throws org.certfleet.config.SecretResolver.SecretException when a secret of the {@code cluster:}
   *     section cannot be resolved (the message names the reference only)
   * @throws IllegalArgumentException when the encryption key is not a valid key (named by its reference)
   * @throws IllegalStateException after {@link #close}
   */
  public StateStores of(AppConfig config) {
    ClusterConfig cluster = config.cluster();
    if (cluster == null) {
      return files(config.stateDir());
    }
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the state access has been closed");
      }
      Opened o = databases.get(cluster);
      if (o == null) {
        // The key first: a bad key must not leave a pool behind.
        KeyCipher cipher = KeyCipher.fromSecret(secrets.resolve(cluster.encryptionKey()));
        Database db = Database.open(cluster, secrets);
        o = new Opened(db, new DatabaseStateStores(db, cipher, sleeper));
        databases.put(cluster, o);
      }
      return o.stores();
    }
  }

  /** The stores of a state directory, whatever the config says (a source to import from). */
  public StateStores files(Path stateDir) {
    return new FileStateStores(stateDir, clock, sleeper);
  }

  /** Closes every database pool opened; the stores handed out stop working. */
  @Override
  public synchronized void close() {
    closed = true;
    databases.values().forEach(o -> o.database().close());
    databases.clear();
  }
}
