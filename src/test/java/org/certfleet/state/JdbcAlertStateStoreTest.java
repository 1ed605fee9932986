package org.certfleet.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.certfleet.alert.AlertState;
import org.certfleet.alert.AlertStateStore;
import org.certfleet.alert.AlertStateStoreContract;
import org.certfleet.db.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The alert state contract against a real PostgreSQL, plus crash and corruption behaviour. */
class JdbcAlertStateStoreTest extends AlertStateStoreContract {
  @RegisterExtension static final TwoInstances DB = new TwoInstances();

  private static AlertStateStore on(Database d) {
    return new JdbcAlertStateStore(d.dataSource(), DatabaseStateStores.ALERT_STATE_LOCK, t -> Thread.sleep(t.toMillis()));
  }

  @Override
  protected AlertStateStore store() {
    return on(DB.one());
  }

  @Override
  protected AlertStateStore sameStateElsewhere() {
    return on(DB.two());
  }

  @Override
  protected List<String> peekOutboxKeys() throws IOException {
    List<String> keys = new ArrayList<>();
    try (Connection c = DB.db().db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT state FROM certfleet_alert_state")) {
      if (rs.next()) {
        for (JsonNode q : new ObjectMapper().readTree(rs.getString(1)).path("outbox")) {
          keys.add(q.path("message").path("key").asText());
        }
      }
    } catch (SQLException e) {
      throw new IOException(e);
    }
    return keys;
  }

  @Test
  void aHolderWhoseSessionEndsReleasesTheLock() throws Exception {
    // A holder that dies (kill -9) loses its connection; the server then drops the session's lock.
    try (Connection dying = DB.db().db.connect(); Statement st = dying.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(" + DatabaseStateStores.ALERT_STATE_LOCK + ")")) {
        assertThat(rs.next() && rs.getBoolean(1)).as("nobody else holds the alert state").isTrue();
      }
      long t0 = System.nanoTime();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> store().lock(Duration.ofMillis(200)))
          .hasMessage("alert state is locked by another certfleet instance (waited 200 ms)");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }
    try (AlertStateStore.Lock lock = store().lock(Duration.ofSeconds(5))) {
      assertThat(lock.load().outbox).isEmpty();
    }
  }

  @Test
  void anUnreadableStateIsSetAsideAndTheBookStartsEmpty() throws Exception {
    DB.db().execute("INSERT INTO certfleet_alert_state (id, state) VALUES (1, '{\"problems\": [1, 2')");

    try (AlertStateStore.Lock lock = store().lock(Duration.ofSeconds(5))) {
      AlertState s = lock.load();
      assertThat(s.problems).isEmpty();
      assertThat(s.outbox).isEmpty();
    }
    try (Connection c = DB.db().db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT state, (SELECT count(*) FROM certfleet_alert_state) FROM"
            + " certfleet_alert_state_corrupt")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("{\"problems\": [1, 2");
      assertThat(rs.getInt(2)).isZero();
    }
  }
}
