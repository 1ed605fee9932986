package org.certfleet.state;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.certfleet.alert.AlertState;
import org.certfleet.alert.AlertStateStore;
import org.certfleet.time.Sleeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert state of a cluster: one row of {@code certfleet_alert_state} holding the same JSON as
 * {@code alerts.json}, locked across every instance with a PostgreSQL session advisory lock.
 *
 * <p>The lock is held on a connection of its own for as long as the {@link Lock} is open; each
 * {@link Lock#save} commits at once (the alert book saves after every delivery, so a crash right after
 * a confirmed message must not send it again). When the holder dies its connection ends and PostgreSQL
 * releases the lock. A state that no longer parses is copied to {@code certfleet_alert_state_corrupt}
 * and the book starts empty, as with the file: repeating an alert beats never sending one.
 */
final class JdbcAlertStateStore implements AlertStateStore {
  private static final Logger log = LoggerFactory.getLogger(JdbcAlertStateStore.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.PUBLIC_ONLY);

  private final DataSource db;
  private final long lockKey;
  private final Sleeper sleeper;

  /** @param lockKey the advisory lock that stands for the alert state, the same on every instance */
  JdbcAlertStateStore(DataSource db, long lockKey, Sleeper sleeper) {
    this.db = db;
    this.lockKey = lockKey;
    this.sleeper = sleeper;
  }

  @Override
  public Lock lock(Duration wait) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    Connection c;
    try {
      c = db.getConnection();
    } catch (SQLException e) {
      throw Transaction.failure("alert state: locking", e);
    }
    try {
      c.setAutoCommit(true);
      while (!SessionLock.tryLock(c, lockKey)) {
        if (System.nanoTime() >= deadline) {
          throw new IOException("alert state is locked by another certfleet instance (waited " + wait.toMillis()
              + " ms)");
        }
        sleeper.sleep(POLL);
      }
      return new Held(SessionLock.held(c, lockKey));
    } catch (SQLException e) {
      SessionLock.quietClose(c);
      throw Transaction.failure("alert state: locking", e);
    } catch (IOException | InterruptedException | RuntimeException e) {
      SessionLock.quietClose(c);
      throw e;
    }
  }

  private static final class Held implements Lock {
    private final SessionLock lock;
    private final Connection c;

    Held(SessionLock lock) {
      this.lock = lock;
      this.c = lock.connection();
    }

    @Override
    public AlertState load() throws IOException {
      String json;
      try (PreparedStatement st = c.prepareStatement("SELECT state FROM certfleet_alert_state WHERE id = 1");
          ResultSet rs = st.executeQuery()) {
        json = rs.next() ? rs.getString(1) : null;
      } catch (SQLException e) {
        throw Transaction.failure("alert state: reading", e);
      }
      if (json == null) {
        return new AlertState();
      }
      try {
        return JSON.readValue(json, AlertState.class);
      } catch (JacksonException e) {
        setAside(json, e.getOriginalMessage());
        return new AlertState();
      }
    }

    private void setAside(String json, String error) throws IOException {
      try {
        c.setAutoCommit(false);
        try (PreparedStatement keep = c.prepareStatement(
                "INSERT INTO certfleet_alert_state_corrupt (state, error) VALUES (?, ?)");
            PreparedStatement drop = c.prepareStatement("DELETE FROM certfleet_alert_state WHERE id = 1")) {
          keep.setString(1, json);
          keep.setString(2, error);
          keep.executeUpdate();
          drop.executeUpdate();
          c.commit();
        } catch (SQLException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      } catch (SQLException e) {
        throw Transaction.failure("alert state: setting an unreadable state aside", e);
      }
      log.error("alert state in the shared database is not readable ({}); kept in certfleet_alert_state_corrupt and"
          + " starting with no alert state, so open problems are alerted again", error);
    }

    @Override
    public void save(AlertState state) throws IOException {
      String json = JSON.writeValueAsString(state);
      try (PreparedStatement st = c.prepareStatement("INSERT INTO certfleet_alert_state (id, state) VALUES (1, ?)"
          + " ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()")) {
        st.setString(1, json);
        st.executeUpdate();
      } catch (SQLException e) {
        throw Transaction.failure("alert state: saving", e);
      }
    }

    @Override
    public void close() throws IOException {
      lock.close();
    }
  }
}
