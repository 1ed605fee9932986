package org.certfleet.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.certfleet.config.ClusterConfig;
import org.certfleet.config.SecretResolver;

/**
 * A HikariCP pool on the {@code cluster:} database.
 *
 * <p>The password is resolved from its secret reference once, handed to the pool, and appears in no
 * log line or message (HikariCP masks it in its own debug output). Every wait is bounded: opening a
 * connection and waiting for a free one by {@code cluster.connect-timeout}, validating one by at most
 * 5 s. The pool starts even when the database is down, so a running daemon rides out an outage: each
 * use fails within the timeout until the database is back, and the pool then reconnects by itself.
 *
 * <p>Thread-safe. {@link #close()} closes every connection.
 */
public final class Database implements AutoCloseable {
  /** Name of the pool for the shared state; Quartz's own pool is {@code certfleet-quartz}. */
  public static final String POOL = "certfleet";

  private final HikariDataSource pool;
  private final String url;

  private Database(HikariDataSource pool, String url) {
    this.pool = pool;
    this.url = url;
  }

  /** The pool for the shared state, {@code cluster.pool-size} connections. */
  public static Database open(ClusterConfig cluster, SecretResolver secrets) {
    return open(cluster, secrets, POOL, cluster.poolSize());
  }

  /**
   * A pool of {@code size} connections named {@code name} (the name shows in thread names and in
   * PostgreSQL's {@code application_name}).
   *
   * @throws SecretResolver.SecretException when the password reference cannot be resolved
   */
  public static Database open(ClusterConfig cluster, SecretResolver secrets, String name, int size) {
    Objects.requireNonNull(cluster, "cluster");
    HikariConfig c = new HikariConfig();
    c.setPoolName(name);
    c.setJdbcUrl(cluster.jdbcUrl());
    c.setUsername(cluster.user());
    if (cluster.password() != null) {
      c.setPassword(secrets.resolve(cluster.password()).reveal());
    }
    c.setMaximumPoolSize(size);
    c.setMinimumIdle(Math.min(1, size));
    long connect = Math.max(250, cluster.connectTimeout().toMillis());
    c.setConnectionTimeout(connect);
    c.setValidationTimeout(Math.max(250, Math.min(connect, Duration.ofSeconds(5).toMillis())));
    // Never fail at construction: a daemon started during an outage, or riding one out, gets errors per
    // use (bounded by connectionTimeout) and recovers when the database answers again.
    c.setInitializationFailTimeout(-1);
    c.setKeepaliveTime(Duration.ofMinutes(2).toMillis());
    c.setMaxLifetime(Duration.ofMinutes(30).toMillis());
    // The driver's own bounds: connect and login, and TCP keepalive so a vanished server is noticed.
    long connectSeconds = Math.max(1, cluster.connectTimeout().toSeconds());
    c.addDataSourceProperty("connectTimeout", Long.toString(connectSeconds));
    c.addDataSourceProperty("loginTimeout", Long.toString(connectSeconds));
    c.addDataSourceProperty("socketTimeout", "120");
    c.addDataSourceProperty("tcpKeepAlive", "true");
    c.addDataSourceProperty("ApplicationName", name);
    return new Database(new HikariDataSource(c), cluster.jdbcUrl());
  }

  public DataSource dataSource() {
    return pool;
  }

  /** A connection from the pool; waits at most {@code cluster.connect-timeout} for one. */
  public Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /**
   * Whether the database answers a trivial query within the pool's timeouts; never throws.
   *
   * @return empty when it does, else why not (the driver's message, which names no password)
   */
  public java.util.Optional<String> problem() {
    try (Connection c = pool.getConnection()) {
      return c.isValid(5) ? java.util.Optional.empty() : java.util.Optional.of("the connection did not validate");
    } catch (SQLException e) {
      return java.util.Optional.of(describe(e));
    }
  }

  /** One line for an SQL failure: the driver's message plus its cause, no password (none is in either). */
  public static String describe(SQLException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null && !m.contains(cause.getMessage())) {
      m = m + " (" + cause.getMessage() + ")";
    }
    return m.lines().findFirst().orElse(m);
  }

  /**
   * Closes {@code c} for good instead of returning it to the pool: its session ends, and with it any
   * session state such as advisory locks. Never throws.
   */
  public void evict(Connection c) {
    try {
      pool.evictConnection(c);
    } catch (RuntimeException e) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // already broken
      }
    }
  }

  /** The JDBC URL (never carries a password: the config refuses one). */
  public String url() {
    return url;
  }

  @Override
  public void close() {
    pool.close();
  }

  @Override
  public String toString() {
    return "Database[" + pool.getPoolName() + " " + url + "]";
  }
}
