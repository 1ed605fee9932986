package org.certfleet.testing.pg;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server from Debian's package ({@code postgresql-15}), started in a temporary
 * directory on a loopback address for tests.
 *
 * <p>{@link #shared()} is one server per test JVM, stopped by a shutdown hook; each test class takes
 * a fresh database from it with {@link #newDatabase()} (its own owner role with a random password, not
 * a superuser, as in production). A test that stops and restarts the server (a database outage) uses
 * a private one from {@link #startPrivate()} and {@link #close()}s it.
 *
 * <p>initdb and postgres refuse to run as root, and CI runs as root: then the server runs as
 * {@code nobody} through {@code setpriv}, in a directory that user owns. The server listens on
 * 127.0.0.1 only, its unix socket lives inside the temporary directory, and every start and stop is
 * bounded. The postmaster runs under a small shell that stops it (fast shutdown) when the JVM's pipe
 * to it closes, so a test JVM that dies without running its shutdown hooks leaves no server behind.
 *
 * <p>Skips are not silent: when the binaries are missing the constructor throws, naming the package.
 */
public final class PostgresServer implements AutoCloseable {
  /** Where Debian's postgresql-15 puts its programs; {@code CERTFLEET_PG_BIN} overrides it. */
  public static final Path DEFAULT_BIN = Path.of("/usr/lib/postgresql/15/bin");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(120);
  private static final String HOST = "127.0.0.1";
  private static final String SUPERUSER = "certfleet_admin";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private static PostgresServer shared;

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final Path socketDir;
  private final Path logFile;
  private final String superPassword;
  private final boolean asRoot;
  private int port;
  private Process process;

  /** A JDBC URL with its login; the password is random per database. */
  public record Db(String name, String jdbcUrl, String user, String password) {
    /** Opens a connection with this login (no pool). */
    public Connection connect() throws SQLException {
      Properties p = new Properties();
      p.setProperty("user", user);
      p.setProperty("password", password);
      p.setProperty("connectTimeout", "10");
      return DriverManager.getConnection(jdbcUrl, p);
    }

    @Override
    public String toString() {
      return "Db[" + jdbcUrl + " as " + user + "]";
    }
  }

  /** The server shared by every test class of this JVM, started on first use. */
  public static synchronized PostgresServer shared() {
    if (shared == null) {
      PostgresServer s = startPrivate();
      Runtime.getRuntime().addShutdownHook(new Thread(s::close, "postgres-test-stop"));
      shared = s;
    }
    return shared;
  }

  /** A server of the caller's own, for tests that stop and restart it; {@link #close()} it. */
  public static PostgresServer startPrivate() {
    try {
      PostgresServer s = new PostgresServer(bin());
      s.initdb();
      s.start();
      return s;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the test PostgreSQL: " + e.getMessage(), e);
    }
  }

  private static Path bin() {
    String env = System.getenv("CERTFLEET_PG_BIN");
    Path b = env == null || env.isBlank() ? DEFAULT_BIN : Path.of(env);
    if (!Files.isExecutable(b.resolve("initdb")) || !Files.isExecutable(b.resolve("postgres"))) {
      throw new IllegalStateException("PostgreSQL binaries not found in " + b
          + " (apt-get install postgresql-15, or set CERTFLEET_PG_BIN)");
    }
    return b;
  }

  private PostgresServer(Path bin) throws IOException {
    this.bin = bin;
    this.asRoot = "root".equals(System.getProperty("user.name")) || uid() == 0;
    this.dir = Files.createTempDirectory("certfleet-pg");
    this.data = dir.resolve("data");
    this.socketDir = dir.resolve("sock");
    this.logFile = dir.resolve("postgres.log");
    this.superPassword = random();
    Files.createDirectories(socketDir);
    if (asRoot) {
      // The unprivileged user must reach and own its directory; the parent is /tmp (sticky, 1777).
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      run(List.of("chown", "-R", "nobody:", dir.toString()), Duration.ofSeconds(10));
    }
  }

  public int port() {
    return port;
  }

  public String host() {
    return HOST;
  }

  /** The server's log file (postgres writes its start-up and error messages there). */
  public Path logFile() {
    return logFile;
  }

  /**
   * A fresh database owned by a fresh non-superuser role, each with a random name and password.
   */
  public Db newDatabase() {
    String suffix = ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet() + "_" + random().substring(0, 6);
    String name = "cf_" + suffix;
    String user = "cfu_" + suffix;
    String password = random();
    try (Connection c = superConnection("postgres"); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "'");
      st.execute("CREATE DATABASE " + name + " OWNER " + user);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database: " + e.getMessage() + "; " + logTail(), e);
    }
    return new Db(name, "jdbc:postgresql://" + HOST + ":" + port + "/" + name, user, password);
  }

  /** A superuser connection to {@code database}, for tests that inspect or break things. */
  public Connection superConnection(String database) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", SUPERUSER);
    p.setProperty("password", superPassword);
    p.setProperty("connectTimeout", "10");
    return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + port + "/" + database, p);
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Starts the server again after {@link #stop()}, on the same port and data. */
  public synchronized void start() throws IOException {
    if (isRunning()) {
      return;
    }
    // A restart keeps its port (clients reconnect to it); a first start picks a free one, which another
    // process can take before postgres binds it, so that is retried on a new port.
    boolean fixed = port != 0;
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      if (!fixed) {
        port = freePort();
      }
      try {
        launch();
        return;
      } catch (IOException e) {
        last = e;
        stop();
      }
    }
    throw last;
  }

  private void launch() throws IOException {
    List<String> postgres = List.of(bin.resolve("postgres").toString(), "-D", data.toString(),
        "-h", HOST, "-p", Integer.toString(port), "-k", socketDir.toString(),
        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
        "-c", "max_connections=200", "-c", "shared_buffers=32MB", "-c", "logging_collector=off");
    // The shell keeps postgres as its child and ends it (SIGINT: fast shutdown) when its stdin closes, which
    // happens on stop() and also when the JVM dies; `exec 3>&-` etc. are not needed as postgres gets /dev/null.
    String script = "\"$@\" </dev/null >>'" + logFile + "' 2>&1 & pid=$!; echo \"pid $pid\" >>'" + logFile + "';"
        + " trap 'kill -INT $pid 2>/dev/null' TERM;"
        + " read -r _; kill -INT $pid 2>/dev/null; wait $pid";
    List<String> cmd = new ArrayList<>(asUser(List.of("/bin/sh", "-c", script, "pg-wrapper")));
    cmd.addAll(postgres);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("LC_ALL", "C");
    process = pb.start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("postgres exited at start (exit " + process.exitValue() + "): " + logTail());
      }
      if (accepts()) {
        return;
      }
      sleep(100);
    }
    throw new IOException("postgres did not accept connections on " + HOST + ":" + port + " within "
        + START_TIMEOUT.toSeconds() + " s: " + logTail());
  }

  /** Whether a login succeeds (the port being open is not enough: the server may still be starting). */
  private boolean accepts() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(HOST, port), 500);
    } catch (IOException e) {
      return false;
    }
    try (Connection c = superConnection("postgres")) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  /** Fast shutdown (clients are disconnected), bounded; the data stays for {@link #start()}. */
  public synchronized void stop() {
    Process p = process;
    if (p == null) {
      return;
    }
    try {
      OutputStream in = p.getOutputStream();
      in.write('\n');
      in.close();
    } catch (IOException e) {
      // the wrapper is gone already
    }
    try {
      if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Stops the server and deletes its directory. */
  @Override
  public synchronized void close() {
    stop();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      // best effort: a temp directory
    }
  }

  private void initdb() throws IOException {
    // The password file is read by initdb as the server's user, then removed.
    Path pwfile = dir.resolve("pwfile");
    Files.writeString(pwfile, superPassword + "\n", StandardCharsets.UTF_8);
    if (asRoot) {
      run(List.of("chown", "nobody:", pwfile.toString()), Duration.ofSeconds(10));
    }
    Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
    try {
      run(asUser(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", SUPERUSER,
          "--pwfile=" + pwfile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync")), INITDB_TIMEOUT);
    } finally {
      Files.deleteIfExists(pwfile);
    }
  }

  private List<String> asUser(List<String> cmd) {
    if (!asRoot) {
      return cmd;
    }
    List<String> out = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
    out.addAll(cmd);
    return out;
  }

  private void run(List<String> cmd, Duration timeout) throws IOException {
    Path out = Files.createTempFile("certfleet-pg-cmd", ".log");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(cmd.get(asRoot && cmd.get(0).equals("setpriv") ? 5 : 0) + " timed out after "
            + timeout.toSeconds() + " s");
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd.subList(0, Math.min(cmd.size(), 7))) + " … exited "
            + p.exitValue() + ": " + Files.readString(out).strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** The last lines of the server log, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    } catch (IOException e) {
      return "(no server log)";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    }
  }

  private static String random() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static long uid() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return ((Number) uid).longValue();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return -1;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for postgres", e);
    }
  }
}
