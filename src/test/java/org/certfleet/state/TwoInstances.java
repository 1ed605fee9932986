package org.certfleet.state;

import java.sql.SQLException;
import org.certfleet.db.Database;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's {@link TestDatabase} with the pools of two certfleet instances ({@link #one()},
 * {@link #two()}), emptied before each test: {@code @RegisterExtension static final TwoInstances DB = new
 * TwoInstances();}.
 */
final class TwoInstances implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  private TestDatabase db;
  private Database one;
  private Database two;

  @Override
  public void beforeAll(ExtensionContext context) throws SQLException {
    db = TestDatabase.create();
    one = db.instance();
    two = db.instance();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    db.close();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws SQLException {
    db.clear();
  }

  TestDatabase db() {
    return db;
  }

  Database one() {
    return one;
  }

  Database two() {
    return two;
  }
}
