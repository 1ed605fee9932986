package org.certfleet.testing.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The fixture itself: a real server, separate databases, non-superuser owners, stop and restart. */
class PostgresServerTest {

  @Test
  void eachDatabaseIsFreshAndOwnedByItsOwnNonSuperuser() throws SQLException {
    PostgresServer pg = PostgresServer.shared();
    PostgresServer.Db a = pg.newDatabase();
    PostgresServer.Db b = pg.newDatabase();
    assertThat(a.jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:").isNotEqualTo(b.jdbcUrl());
    try (Connection c = a.connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t (x int)");
      try (ResultSet rs = st.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getBoolean(1)).isFalse();
      }
    }
    try (Connection c = b.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = 't'")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
    // The password is checked (scram), not trusted.
    PostgresServer.Db wrong = new PostgresServer.Db(a.name(), a.jdbcUrl(), a.user(), "not-the-password");
    assertThatThrownBy(wrong::connect).isInstanceOf(SQLException.class);
  }

  @Test
  void aPrivateServerStopsAndStartsAgainOnItsPort() throws Exception {
    try (PostgresServer pg = PostgresServer.startPrivate()) {
      PostgresServer.Db db = pg.newDatabase();
      int port = pg.port();
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE kept (x int)");
        st.execute("INSERT INTO kept VALUES (42)");
      }
      pg.stop();
      assertThat(pg.isRunning()).isFalse();
      assertThatThrownBy(db::connect).isInstanceOf(SQLException.class);
      pg.start();
      assertThat(pg.port()).isEqualTo(port);
      try (Connection c = db.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT x FROM kept")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(42);
      }
    }
  }
}
