package org.certfleet.config;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@code cluster:} section: two or three daemons sharing one PostgreSQL database for Quartz's
 * clustered job store and the shared state. Absent means one instance on the local state directory.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host[:port][,host2…]/database[?params]}, with no user or
 *     password in it (those are {@code user} and {@code password})
 * @param password secret reference to the login's password; null when the server does not ask for one
 * @param encryptionKey secret reference to the key that encrypts private keys stored in the database
 *     (base64 of 32 random bytes); the key itself is never stored there
 * @param poolSize connections of this instance's pool for the shared state (Quartz has its own)
 * @param checkinInterval how often this instance tells the others it is alive; an instance silent for
 *     about this long plus 7.5 s is taken over
 * @param connectTimeout bound on opening a connection and on waiting for one from the pool
 */
public record ClusterConfig(
    String jdbcUrl,
    String user,
    @Nullable SecretRef password,
    SecretRef encryptionKey,
    int poolSize,
    Duration checkinInterval,
    Duration connectTimeout) {
  public static final int DEFAULT_POOL_SIZE = 4;
  public static final int MAX_POOL_SIZE = 50;
  public static final Duration DEFAULT_CHECKIN_INTERVAL = Duration.ofSeconds(15);
  public static final Duration MIN_CHECKIN_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  public ClusterConfig {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(encryptionKey, "encryptionKey");
    Objects.requireNonNull(checkinInterval, "checkinInterval");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize " + poolSize);
    }
  }
}
