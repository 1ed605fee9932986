package org.certfleet.db;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.certfleet.config.ClusterConfig;
import org.certfleet.config.SecretRef;
import org.certfleet.config.SecretResolver;
import org.certfleet.testing.pg.PostgresServer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DatabaseTest {
  private static ClusterConfig cluster(String url, String user, Duration connectTimeout) {
    return new ClusterConfig(url, user, new SecretRef(SecretRef.Kind.ENV, "DB_PASSWORD"),
        new SecretRef(SecretRef.Kind.ENV, "STATE_KEY"), 2, Duration.ofSeconds(15), connectTimeout);
  }

  private static SecretResolver secrets(String password) {
    return new SecretResolver(Map.of("DB_PASSWORD", password)::get);
  }

  @Test
  void connectsWithThePasswordFromItsReferenceAndNamesItsPool() throws Exception {
    PostgresServer.Db db = PostgresServer.shared().newDatabase();
    try (Database d = Database.open(cluster(db.jdbcUrl(), db.user(), Duration.ofSeconds(10)), secrets(db.password()));
        Connection c = d.connection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_user, current_setting('application_name')")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo(db.user());
      assertThat(rs.getString(2)).isEqualTo(Database.POOL);
      assertThat(d.problem()).isEmpty();
      assertThat(d.toString()).doesNotContain(db.password());
    }
  }

  @Test
  void aWrongPasswordOrADeadServerIsReportedInTimeWithoutThePassword() {
    PostgresServer.Db db = PostgresServer.shared().newDatabase();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    String wrong = "wrong-" + db.password();
    try (Database d = Database.open(cluster(db.jdbcUrl(), db.user(), Duration.ofSeconds(2)), secrets(wrong))) {
      Optional<String> problem = d.problem();
      assertThat(problem).hasValueSatisfying(p -> assertThat(p).contains("password authentication failed")
          .doesNotContain(wrong));
    } finally {
      root.detachAppender(logs);
    }
    assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains(wrong)
        || (e.getThrowableProxy() != null && String.valueOf(e.getThrowableProxy().getMessage()).contains(wrong)));

    // Nothing listens on port 1 of loopback: refused at once, and the pool still came up.
    long t0 = System.nanoTime();
    try (Database d = Database.open(cluster("jdbc:postgresql://127.0.0.1:1/none", "x", Duration.ofSeconds(1)),
        secrets("irrelevant"))) {
      assertThat(d.problem()).isPresent();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
  }
}
