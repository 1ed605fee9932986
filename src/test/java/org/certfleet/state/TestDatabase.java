package org.certfleet.state;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.certfleet.config.ClusterConfig;
import org.certfleet.config.SecretRef;
import org.certfleet.config.SecretResolver;
import org.certfleet.db.Database;
import org.certfleet.db.Migrations;
import org.certfleet.testing.pg.PostgresServer;

/**
 * A migrated database of its own on the shared test PostgreSQL, with pools standing for separate
 * certfleet instances. {@link #clear()} empties the shared state between tests.
 */
final class TestDatabase implements AutoCloseable {
  static final SecretRef PASSWORD = new SecretRef(SecretRef.Kind.ENV, "CERTFLEET_DB_PASSWORD");
  static final SecretRef KEY = new SecretRef(SecretRef.Kind.ENV, "CERTFLEET_STATE_KEY");

  final PostgresServer.Db db;
  final ClusterConfig cluster;
  private final List<Database> pools = new ArrayList<>();

  private TestDatabase(PostgresServer.Db db) {
    this.db = db;
    this.cluster = new ClusterConfig(db.jdbcUrl(), db.user(), PASSWORD, KEY, 4, Duration.ofSeconds(15),
        Duration.ofSeconds(10));
  }

  static TestDatabase create() throws SQLException {
    TestDatabase t = new TestDatabase(PostgresServer.shared().newDatabase());
    new Migrations(t.instance().dataSource()).migrate();
    return t;
  }

  /** The secrets an instance resolves: the database password and {@code key} (base64). */
  SecretResolver secrets(String key) {
    return new SecretResolver(Map.of(PASSWORD.target(), db.password(), KEY.target(), key)::get);
  }

  /** A pool of its own, as one certfleet instance has; closed with this. */
  Database instance() {
    Database d = Database.open(cluster, secrets(""));
    pools.add(d);
    return d;
  }

  void clear() throws SQLException {
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("TRUNCATE certfleet_lineage, certfleet_lineage_version, certfleet_acme_account, certfleet_acme_order,"
          + " certfleet_alert_state, certfleet_alert_state_corrupt, certfleet_audit");
    }
  }

  void execute(String sql) throws SQLException {
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  @Override
  public void close() {
    pools.forEach(Database::close);
  }
}
