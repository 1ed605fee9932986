package org.certfleet.db;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versioned schema: scripts {@code db/migration/V<n>__<name>.sql} on the classpath, applied in
 * order and recorded in {@code certfleet_schema_version}.
 *
 * <p>Each script runs in a transaction of its own together with its version row, so a failed script
 * leaves nothing behind and a re-run applies exactly what is missing ({@link #migrate()} is
 * idempotent). A session advisory lock serialises instances that migrate at the same time: the second
 * waits, then finds nothing to do. A database whose schema is newer than this code, a script changed
 * after it was applied (SHA-256 recorded) or a pending script older than an applied one is refused, and
 * nothing is changed. Scripts must not hold {@code COMMIT}, {@code BEGIN} or {@code DROP} of certfleet's
 * own data; they are plain SQL that the driver sends as one multi-statement string.
 */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);
  public static final String LOCATION = "db/migration";
  static final String TABLE = "certfleet_schema_version";
  private static final Pattern FILE = Pattern.compile("V([1-9][0-9]{0,8})__([A-Za-z0-9_]+)\\.sql");
  private static final long LOCK_KEY = AdvisoryLocks.key("certfleet", "schema-migration");
  private static final Duration DEFAULT_LOCK_WAIT = Duration.ofMinutes(2);

  /** One script. */
  public record Migration(int version, String name, String sql) {
    public Migration {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(sql, "sql");
    }

    /** {@code V1__quartz}. */
    public String label() {
      return "V" + version + "__" + name;
    }

    String checksum() {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sql.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Where the schema stands: the newest applied version (0 for none) and what is still to apply. */
  public record Status(int current, int latest, List<Migration> pending) {
    public Status {
      pending = List.copyOf(pending);
    }

    public boolean upToDate() {
      return pending.isEmpty() && current == latest;
    }
  }

  private record Applied(int version, String name, String checksum) {}

  private final DataSource dataSource;
  private final List<Migration> migrations;
  private final Duration lockWait;

  /** The scripts in {@code db/migration} of this certfleet's classpath. */
  public Migrations(DataSource dataSource) {
    this(dataSource, fromClasspath(Migrations.class.getClassLoader(), LOCATION), DEFAULT_LOCK_WAIT);
  }

  Migrations(DataSource dataSource, List<Migration> migrations, Duration lockWait) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    List<Migration> sorted = new ArrayList<>(migrations);
    sorted.sort(Comparator.comparingInt(Migration::version));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).version() == sorted.get(i - 1).version()) {
        throw new IllegalArgumentException("two migrations with version " + sorted.get(i).version() + ": "
            + sorted.get(i - 1).label() + ", " + sorted.get(i).label());
      }
    }
    this.migrations = List.copyOf(sorted);
    this.lockWait = lockWait;
  }

  /** The scripts this code knows, in version order. */
  public List<Migration> migrations() {
    return migrations;
  }

  /** The newest version this code knows (0 when it knows none). */
  public int latest() {
    return migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
  }

  /**
   * Reads where the schema stands without changing anything (no lock, no table created).
   *
   * @throws MigrationException when the database is newer than this code or an applied script changed
   */
  public Status status() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return check(read(c));
    }
  }

  /**
   * Refuses to go on unless the schema is exactly at {@link #latest()}: what a daemon checks at start.
   *
   * @throws MigrationException naming the command to run, or the newer version found
   */
  public void requireCurrent() throws SQLException {
    Status s = status();
    if (!s.upToDate()) {
      throw new MigrationException("the database schema is at version " + s.current() + ", this certfleet needs "
          + s.latest() + ": run `certfleet db migrate` first");
    }
  }

  /**
   * Applies every pending script, each in its own transaction, under the migration lock.
   *
   * @return the scripts applied now (empty when the schema was current)
   * @throws MigrationException when a script fails (rolled back, the message names it), the schema is
   *     newer than this code, or the lock was not had within its wait
   */
  public List<Migration> migrate() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      lock(c);
      List<Migration> done = new ArrayList<>();
      try {
        try (Statement st = c.createStatement()) {
          st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
              + " checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        }
        Status s = check(read(c));
        for (Migration m : s.pending()) {
          apply(c, m);
          done.add(m);
        }
      } catch (SQLException | RuntimeException e) {
        try {
          unlock(c);
        } catch (SQLException u) {
          e.addSuppressed(u); // a broken connection ends its session, and the lock with it
        }
        throw e;
      }
      unlock(c);
      return done;
    }
  }

  private void apply(Connection c, Migration m) throws SQLException {
    log.info("applying migration {}", m.label());
    c.setAutoCommit(false);
    try (Statement st = c.createStatement();
        PreparedStatement ins = c.prepareStatement("INSERT INTO " + TABLE + " (version, name, checksum) VALUES (?, ?, ?)")) {
      st.execute(m.sql());
      ins.setInt(1, m.version());
      ins.setString(2, m.name());
      ins.setString(3, m.checksum());
      ins.executeUpdate();
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw new MigrationException("migration " + m.label() + " failed and was rolled back: " + Database.describe(e), e);
    } finally {
      c.setAutoCommit(true);
    }
  }

  private Status check(Map<Integer, Applied> applied) {
    int current = applied.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    if (current > latest()) {
      throw new MigrationException("the database schema is at version " + current + " but this certfleet knows only up to "
          + latest() + ": upgrade certfleet (a newer version migrated this database)");
    }
    List<Migration> pending = new ArrayList<>();
    for (Migration m : migrations) {
      Applied a = applied.get(m.version());
      if (a == null) {
        if (m.version() < current) {
          throw new MigrationException("migration " + m.label() + " is older than the applied version " + current
              + " but was never applied: the scripts are out of order");
        }
        pending.add(m);
      } else if (!a.checksum().equals(m.checksum())) {
        throw new MigrationException("migration " + m.label() + " was changed after it was applied (recorded as V"
            + a.version() + "__" + a.name() + "): applied scripts must never change; add a new one");
      }
    }
    return new Status(current, latest(), pending);
  }

  private static Map<Integer, Applied> read(Connection c) throws SQLException {
    Map<Integer, Applied> out = new TreeMap<>();
    try (Statement st = c.createStatement();
        ResultSet exists = st.executeQuery("SELECT to_regclass('" + TABLE + "') IS NOT NULL")) {
      exists.next();
      if (!exists.getBoolean(1)) {
        return out;
      }
    }
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT version, name, checksum FROM " + TABLE)) {
      while (rs.next()) {
        out.put(rs.getInt(1), new Applied(rs.getInt(1), rs.getString(2), rs.getString(3)));
      }
    }
    return out;
  }

  private void lock(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET lock_timeout = " + Math.max(1, lockWait.toMillis()));
      try {
        st.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
      } catch (SQLException e) {
        if ("55P03".equals(e.getSQLState())) {
          throw new MigrationException("another instance has held the migration lock for over " + lockWait.toSeconds()
              + " s; try again when its migration has finished", e);
        }
        throw e;
      } finally {
        st.execute("RESET lock_timeout");
      }
    }
  }

  private static void unlock(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
    }
  }

  // ---- loading the scripts ----------------------------------------------------------------------

  /**
   * The scripts in {@code location} of every classpath entry (directory or jar) that holds it.
   *
   * @throws IllegalStateException for a file there whose name is not {@code V<n>__<name>.sql}, or an
   *     unreadable one: a misnamed script must not be skipped silently
   */
  public static List<Migration> fromClasspath(ClassLoader loader, String location) {
    List<Migration> out = new ArrayList<>();
    try {
      for (URL url : java.util.Collections.list(loader.getResources(location))) {
        for (Map.Entry<String, byte[]> f : list(url, location).entrySet()) {
          out.add(parse(f.getKey(), new String(f.getValue(), StandardCharsets.UTF_8)));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the migrations in " + location + ": " + e.getMessage(), e);
    }
    return out;
  }

  static Migration parse(String fileName, String sql) {
    Matcher m = FILE.matcher(fileName);
    if (!m.matches()) {
      throw new IllegalStateException("migration file " + fileName + " is not named V<version>__<name>.sql");
    }
    return new Migration(Integer.parseInt(m.group(1)), m.group(2), sql);
  }

  private static Map<String, byte[]> list(URL url, String location) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    if ("file".equals(url.getProtocol())) {
      Path dir;
      try {
        dir = Path.of(url.toURI());
      } catch (URISyntaxException e) {
        throw new IOException("bad classpath URL " + url, e);
      }
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.filter(Files::isRegularFile).toList()) {
          files.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
      }
    } else if ("jar".equals(url.getProtocol())) {
      JarURLConnection conn = (JarURLConnection) url.openConnection();
      conn.setUseCaches(false);
      try (JarFile jar = conn.getJarFile()) {
        String prefix = location + "/";
        for (JarEntry e : java.util.Collections.list(jar.entries())) {
          String n = e.getName();
          if (!e.isDirectory() && n.startsWith(prefix) && n.indexOf('/', prefix.length()) < 0) {
            try (InputStream in = jar.getInputStream(e)) {
              files.put(n.substring(prefix.length()), in.readAllBytes());
            }
          }
        }
      }
    } else {
      throw new IOException("cannot list migrations at " + url);
    }
    return files;
  }
}
