package org.certfleet.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.certfleet.testing.acme.AcmeFake;
import org.certfleet.testing.pg.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code certfleet daemon} processes ({@code java -jar}, as an operator runs them) on one real
 * PostgreSQL, with a schedule in seconds: each fire of a job runs on exactly one instance and a due
 * renewal is ordered once; SIGKILL of the instance in the middle of a renewal hands the renewal to the
 * other (the failover time is measured and printed); the database stopped for a while makes both
 * degraded on /healthz, and they recover on their own; a problem both instances find reaches the chat
 * once, and each fire of the report posts once.
 *
 * <p>The two instances share the database for everything: the schedule, the job distribution, the
 * certificate locks and the state (certificates, account, order journal, alerts, audit), whose private
 * keys are sealed with the one {@code STATE_KEY} both are given.
 */
class ClusterIT {
  static final Path JAR = DaemonIT.JAR;
  static final Duration CHECKIN = Duration.ofSeconds(2);
  /** The cluster's state encryption key (base64 of 32 random bytes), given to every instance. */
  static final String STATE_KEY = java.util.Base64.getEncoder().encodeToString(new java.security.SecureRandom().generateSeed(32));
  static final Duration RENEW_PERIOD = Duration.ofSeconds(5);
  /** Quartz declares an instance failed this long after its last check-in (JobStoreSupport). */
  static final Duration QUARTZ_GRACE = Duration.ofMillis(7500);
  static final Pattern LINE_TIME = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d) ");

  static PostgresServer pg;
  /**
   * The resolver of the configs: a UDP socket that never answers, so no lookup leaves the machine and a
   * renewal that needs DNS hangs in its zone discovery for a good while (queries time out after 5 s).
   */
  static java.net.DatagramSocket silentDns;
  static AcmeFake ca;
  static Path caDir;

  @TempDir Path dir;
  PostgresServer.Db db;
  /** The chat webhook both instances post to, when a test has one. */
  ChatReceiver chat;
  final List<Process> started = new ArrayList<>();

  @BeforeAll
  static void servers() throws IOException {
    pg = PostgresServer.startPrivate(); // its own: the outage test stops it
    silentDns = new java.net.DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
    caDir = Files.createTempDirectory("certfleet-cluster-ca");
    ca = AcmeFake.start(caDir, Clock.systemUTC()).preValidate("media.hachyderm.io");
  }

  @AfterAll
  static void stopServers() {
    ca.close();
    pg.close();
    silentDns.close();
  }

  @AfterEach
  void kill(org.junit.jupiter.api.TestInfo test) throws Exception {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    pg.start(); // in case a test left it stopped
    if (chat != null) {
      chat.close();
    }
    // The instances' logs, for a failure's post-mortem.
    Path keep = Path.of("target", "cluster-it", test.getTestMethod().map(m -> m.getName()).orElse("test"));
    Files.createDirectories(keep);
    try (var logs = Files.newDirectoryStream(dir, "*.log")) {
      for (Path l : logs) {
        Files.copy(l, keep.resolve(l.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** A config for instance {@code i}: the shared database, and a state directory of its own (as on its own host). */
  Path config(int i, String certs, String renewalCheck, String inventoryScan, String report) throws IOException {
    return config(i, certs, renewalCheck, inventoryScan, report, "");
  }

  /** As above, with {@code extra} YAML (top-level sections) appended. */
  Path config(int i, String certs, String renewalCheck, String inventoryScan, String report, String extra)
      throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    Path slow = dir.resolve("slow-dns.sh");
    Files.writeString(slow, "#!/bin/sh\nsleep 60\nexit 1\n"); // if it is ever reached: slow as well
    Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwx------"));
    Path failing = dir.resolve("failing-dns.sh");
    Files.writeString(failing, "#!/bin/sh\necho 'zone refused' >&2\nexit 1\n");
    Files.setPosixFilePermissions(failing, PosixFilePermissions.fromString("rwx------"));
    Path cfg = dir.resolve("certs-" + i + ".yaml");
    Files.writeString(cfg, """
        acme: {directory: "%s", email: ops@hachyderm.io, agree-to-terms: true, ca-certificates: "%s"}
        dns:
          propagation: {resolvers: ["127.0.0.1:%d"]}
          default-provider: slow
          providers:
            - {name: slow, type: exec, options: {command: "%s", timeout: 120s}}
            - {name: failing, type: exec, options: {command: "%s", timeout: 10s}}
        certificates:
        %s
        nodes: []
        schedule: {renewal-check: "%s", inventory-scan: "%s", report: "%s"}
        daemon: {listen: "127.0.0.1:%d", stop-timeout: 10s}
        state: {dir: "%s"}
        cluster:
          jdbc-url: "%s"
          user: %s
          password: ${env:DB_PASSWORD}
          encryption-key: ${env:STATE_KEY}
          check-in-interval: %ds
          connect-timeout: 5s
        %s
        """.formatted(ca.directory(), ca.tlsCaFile(), silentDns.getLocalPort(), slow, failing, certs, renewalCheck,
        inventoryScan, report, port, dir.resolve("state-" + i), db.jdbcUrl(), db.user(), CHECKIN.toSeconds(), extra));
    return cfg;
  }

  static int port(Path cfg) throws IOException {
    Matcher m = Pattern.compile("listen: \"127\\.0\\.0\\.1:(\\d+)\"").matcher(Files.readString(cfg));
    assertThat(m.find()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  ProcessBuilder certfleet(Path cfg, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toString(), "--config", cfg.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("DB_PASSWORD", db.password());
    pb.environment().put("STATE_KEY", STATE_KEY);
    if (chat != null) {
      pb.environment().put("CHAT_URL", chat.url());
    }
    return pb;
  }

  void migrate(Path cfg) throws Exception {
    Path out = dir.resolve("migrate.log");
    Process p = certfleet(cfg, "db", "migrate").redirectOutput(out.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(out)).isZero();
    assertThat(Files.readString(out)).contains("applied V1__quartz").doesNotContain(db.password());
  }

  /**
   * Starts an instance and waits until it is up.
   */
  Process daemon(Path cfg, Path log) throws Exception {
    Process p = certfleet(cfg, "daemon").redirectOutput(log.toFile()).start();
    started.add(p);
    DaemonIT.await(Duration.ofSeconds(60), "instance " + cfg.getFileName() + " up", () -> {
      assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
      return contains(log, "certfleet daemon: pid ");
    });
    return p;
  }

  @Test
  void eachFireRunsOnOneInstanceAndADueRenewalIsOrderedOnce() throws Exception {
    db = pg.newDatabase();
    String certs = "  - {name: media.hachyderm.io, domains: [media.hachyderm.io], deploy-to: []}";
    Path a = config(1, certs, "0/5 * * * * ?", "0 0 * * * ?", "0/10 * * * * ?");
    Path b = config(2, certs, "0/5 * * * * ?", "0 0 * * * ?", "0/10 * * * * ?");
    migrate(a);
    Path logA = dir.resolve("a.log");
    Path logB = dir.resolve("b.log");
    int orders = ca.newOrderCount();
    daemon(a, logA);
    daemon(b, logB);
    DaemonIT.await(Duration.ofSeconds(60), "the certificate issued", () -> lines(logA, logB, "renewed: ").size() == 1);
    Thread.sleep(40_000); // eight renewal-check fires and four reports, shared out between the two

    assertThat(ca.newOrderCount() - orders).as("orders at the CA").isEqualTo(1);
    assertThat(lines(logA, logB, "renewed: ")).hasSize(1);
    // After start-up: each instance's start runs a monitoring cycle that arms an extra check of its own,
    // and fires that waited for the issuance (one job at a time per instance) run late, close together.
    LocalTime settled = times(lines(logA, logB, "renewed: ")).get(0).plusSeconds(10);
    List<LocalTime> reports = times(lines(logA, logB, "report: started")).stream()
        .filter(t -> t.isAfter(settled)).toList();
    List<LocalTime> checks = times(lines(logA, logB, "renew:media.hachyderm.io: started")).stream()
        .filter(t -> t.isAfter(settled)).toList();
    assertThat(reports).as("report fires").hasSizeGreaterThanOrEqualTo(2);
    assertThat(checks).as("renewal-check fires").hasSizeGreaterThanOrEqualTo(3);
    // Two instances firing the same trigger would start within milliseconds of each other.
    assertThat(minGap(reports)).as("report runs " + reports).isGreaterThan(Duration.ofSeconds(5));
    assertThat(minGap(checks)).as("renewal checks " + checks).isGreaterThan(Duration.ofSeconds(2));
    assertThat(Files.readString(logA) + Files.readString(logB)).doesNotContain(db.password());
  }

  @Test
  void sigkillOfTheWorkingInstanceHandsItsRenewalToTheOtherWhichFinishesTheSameOrder() throws Exception {
    db = pg.newDatabase();
    // Both instances up first, with no certificate; then both reload a config that has one, so the renewal
    // starts while the other instance is there to take it over.
    Path a = config(1, "  []", "0/5 * * * * ?", "0 0 * * * ?", "0 0 9 ? * MON");
    Path b = config(2, "  []", "0/5 * * * * ?", "0 0 * * * ?", "0 0 9 ? * MON");
    migrate(a);
    Path logA = dir.resolve("a.log");
    Path logB = dir.resolve("b.log");
    Process pa = daemon(a, logA);
    Process pb = daemon(b, logB);
    int orders = ca.newOrderCount();
    String cert = "  - {name: slow.hachyderm.io, domains: [slow.hachyderm.io], deploy-to: []}";
    for (Path cfg : List.of(a, b)) {
      Files.writeString(cfg, Files.readString(cfg).replace("certificates:\n  []", "certificates:\n" + cert));
    }
    for (Process p : List.of(pa, pb)) {
      assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor()).isZero();
    }
    // A job that starts may still skip (the other instance holds the certificate's lock); this line is the renewal itself.
    String started = "slow.hachyderm.io: renewing";
    DaemonIT.await(Duration.ofSeconds(60), "a renewal started", () -> contains(logA, started) || contains(logB, started));
    boolean aWorks = contains(logA, started);
    Process working = aWorks ? pa : pb;
    Path workingLog = aWorks ? logA : logB;
    Path otherLog = aWorks ? logB : logA;
    Thread.sleep(2_000);
    // Order, then a DNS lookup that times out: the renewal takes a while; meanwhile the other instance must not start it.
    assertThat(count(otherLog, started)).as("the other instance while the first works").isZero();
    assertThat(count(workingLog, started)).isEqualTo(1);
    Matcher created = Pattern.compile("order (\\S+) created").matcher(Files.readString(workingLog));
    assertThat(created.find()).as("the working instance ordered before it was killed").isTrue();
    String order = created.group(1);

    Instant killed = Instant.now();
    working.destroyForcibly(); // SIGKILL
    assertThat(working.waitFor(10, TimeUnit.SECONDS)).isTrue();
    // The CA now has what it needs for the order (as if the record had been checked): whoever resumes the
    // order can finish it without DNS.
    ca.validatePending("slow.hachyderm.io");
    Duration bound = CHECKIN.plus(QUARTZ_GRACE).plus(RENEW_PERIOD).plusSeconds(10);
    DaemonIT.await(bound.plusSeconds(5), "the other instance takes the renewal over", () -> contains(otherLog, started));
    Duration failover = Duration.between(killed, Instant.now());
    System.out.println("ClusterIT: failover after SIGKILL took " + failover.toMillis() + " ms (check-in "
        + CHECKIN.toSeconds() + " s, renewal check every " + RENEW_PERIOD.toSeconds() + " s)");
    assertThat(failover).isLessThan(bound);
    // Quartz's non-concurrency does not hold across instances by itself (the other instance may fire the job
    // while the first runs it, and logs "skipped: another instance is working on …"): the advisory lock does.
    assertThat(count(otherLog, started)).as("renewals on the other instance").isEqualTo(1);
    // The order journal is shared: the interrupted order is taken over, not ordered a second time.
    DaemonIT.await(Duration.ofSeconds(30), "the other instance resumes " + order,
        () -> contains(otherLog, "resuming order " + order));
    DaemonIT.await(Duration.ofSeconds(60), "the other instance finishes the renewal", () -> contains(otherLog,
        "renew:slow.hachyderm.io: renewed: "));
    assertThat(ca.newOrderCount() - orders).as("orders at the CA").isEqualTo(1);
    assertThat(lines(workingLog, otherLog, "renewed: ")).as("renewals finished").hasSize(1);
  }

  @Test
  void aDatabaseOutageMakesBothDegradedAndTheyRecoverOnTheirOwn() throws Exception {
    db = pg.newDatabase();
    String certs = "  - {name: media.hachyderm.io, domains: [media.hachyderm.io], deploy-to: []}";
    Path a = config(1, certs, "0 0 * * * ?", "0/5 * * * * ?", "0 0 9 ? * MON");
    Path b = config(2, certs, "0 0 * * * ?", "0/5 * * * * ?", "0 0 9 ? * MON");
    migrate(a);
    Path logA = dir.resolve("a.log");
    Path logB = dir.resolve("b.log");
    Process pa = daemon(a, logA);
    Process pb = daemon(b, logB);
    URI healthA = URI.create("http://127.0.0.1:" + port(a) + "/healthz");
    URI healthB = URI.create("http://127.0.0.1:" + port(b) + "/healthz");
    DaemonIT.await(Duration.ofSeconds(60), "both healthy", () -> ok(healthA) && ok(healthB));
    DaemonIT.await(Duration.ofSeconds(60), "the certificate issued", () -> lines(logA, logB, "renewed: ").size() == 1);
    int orders = ca.newOrderCount();

    pg.stop();
    Instant down = Instant.now();
    DaemonIT.await(Duration.ofSeconds(30), "both degraded", () -> degraded(healthA) && degraded(healthB));
    System.out.println("ClusterIT: degraded " + Duration.between(down, Instant.now()).toMillis() + " ms after the database stopped");
    assertThat(DaemonIT.get(healthA).body()).contains("database unreachable");
    Thread.sleep(60_000); // the outage: a minute, as the issue has it
    assertThat(pa.isAlive()).isTrue();
    assertThat(pb.isAlive()).isTrue();
    assertThat(degraded(healthA) && degraded(healthB)).as("still degraded, still answering").isTrue();

    pg.start();
    Instant up = Instant.now();
    DaemonIT.await(Duration.ofSeconds(60), "both healthy again", () -> ok(healthA) && ok(healthB));
    System.out.println("ClusterIT: healthy " + Duration.between(up, Instant.now()).toMillis() + " ms after the database returned");
    int watchesBefore = lines(logA, logB, "watch: started").size();
    DaemonIT.await(Duration.ofSeconds(60), "the schedule runs again", () -> lines(logA, logB, "watch: started").size()
        >= watchesBefore + 2);
    assertThat(ca.newOrderCount()).as("nothing renewed twice").isEqualTo(orders);
    assertThat(Files.readString(logA) + Files.readString(logB)).doesNotContain(db.password());
  }

  @Test
  void anAlertAndEachReportReachTheChatOnce() throws Exception {
    db = pg.newDatabase();
    chat = new ChatReceiver();
    // A certificate whose DNS provider refuses at once: its renewal fails on whichever instance runs it, the
    // back-off (a minute, shared in the database) holds the next attempt beyond the test, and the failure is a
    // finding of every monitoring cycle on both instances; each must reach the chat once.
    String certs = "  - {name: broken.hachyderm.io, domains: [broken.hachyderm.io], dns-provider: failing, deploy-to: []}";
    String alerts = """
        alerts:
          channels:
            - {name: ops, type: webhook, options: {url: "${env:CHAT_URL}"}}
        """;
    Path a = config(1, certs, "0/5 * * * * ?", "0/5 * * * * ?", "0/10 * * * * ?", alerts);
    Path b = config(2, certs, "0/5 * * * * ?", "0/5 * * * * ?", "0/10 * * * * ?", alerts);
    migrate(a);
    Path logA = dir.resolve("a.log");
    Path logB = dir.resolve("b.log");
    Instant up = Instant.now();
    Process pa = daemon(a, logA);
    Process pb = daemon(b, logB);
    String failedKey = "RENEWAL_FAILED:broken.hachyderm.io";
    DaemonIT.await(Duration.ofSeconds(90), "the renewal failure in the chat", () -> chat.firing(failedKey) >= 1);
    Instant failed = Instant.now();
    Thread.sleep(35_000); // seven monitoring cycles and three or four reports, shared out between the two

    assertThat(Duration.between(failed, Instant.now())).as("still inside the back-off").isLessThan(Duration.ofSeconds(55));
    // SIGTERM lets a running job finish, so every report that reached the chat has its log line, and the
    // counts below stay put.
    Instant down = Instant.now();
    for (Process p : List.of(pa, pb)) {
      p.destroy();
    }
    for (Process p : List.of(pa, pb)) {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
    }
    assertThat(lines(logA, logB, "watch: started").size()).as("monitoring cycles").isGreaterThanOrEqualTo(6);
    java.util.Map<String, Long> firing = chat.firingByKey();
    assertThat(firing).as("alerts received, by key").containsKey(failedKey);
    assertThat(firing.entrySet()).as("each alert once, though both instances evaluated it " + firing)
        .allSatisfy(e -> assertThat(e.getValue()).as(e.getKey()).isEqualTo(1L));
    // Each fire of the report (every 10 s) runs on one instance and posts once: no more runs than fires while
    // the two were up (a fire may run late, behind a job of its instance, but not twice), one post per run.
    long fires = down.getEpochSecond() / 10 - up.getEpochSecond() / 10;
    List<String> runs = new ArrayList<>(lines(logA, logB, "report: started"));
    runs.subList(0, lines(logA, logB, "report: not started: stopping").size()).clear(); // fired as the stop began
    assertThat(runs).as("report runs, %d fires", fires).hasSizeGreaterThanOrEqualTo(3).hasSizeLessThanOrEqualTo((int) fires);
    assertThat(lines(logA, logB, "report: report: delivered")).as("report runs delivered").hasSize(runs.size());
    assertThat(chat.reportsReceived()).as("reports received").hasSize(runs.size());
    assertThat(chat.bodies()).as("nothing secret in the chat").noneMatch(body -> body.contains(db.password())
        || body.contains(STATE_KEY));
  }

  /**
   * An Alertmanager-shaped webhook receiver on 127.0.0.1 (a JDK {@code HttpServer}) that records every post
   * with the time it arrived.
   */
  static final class ChatReceiver implements AutoCloseable {
    record Post(LocalTime at, com.fasterxml.jackson.databind.JsonNode body, String raw) {}

    private final com.sun.net.httpserver.HttpServer server;
    private final List<Post> posts = java.util.Collections.synchronizedList(new ArrayList<>());

    ChatReceiver() throws IOException {
      server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
      com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
      server.createContext("/hook", ex -> {
        String raw = new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        posts.add(new Post(LocalTime.now(), json.readTree(raw), raw));
        ex.sendResponseHeaders(200, -1);
        ex.close();
      });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private List<Post> snapshot() {
      synchronized (posts) {
        return List.copyOf(posts);
      }
    }

    /** Firing posts per alert key, the report excluded. */
    java.util.Map<String, Long> firingByKey() {
      java.util.Map<String, Long> out = new java.util.TreeMap<>();
      for (Post p : snapshot()) {
        String key = p.body().path("groupKey").asText();
        if (p.body().path("status").asText().equals("firing") && !key.equals("REPORT")) {
          out.merge(key, 1L, Long::sum);
        }
      }
      return out;
    }

    long firing(String key) {
      return firingByKey().getOrDefault(key, 0L);
    }

    List<LocalTime> reportsReceived() {
      return snapshot().stream().filter(p -> p.body().path("groupKey").asText().equals("REPORT")).map(Post::at).sorted()
          .toList();
    }

    List<String> bodies() {
      return snapshot().stream().map(Post::raw).toList();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  static boolean ok(URI health) throws Exception {
    DaemonIT.Reply r = DaemonIT.get(health);
    return r.statusCode() == 200 && r.body().contains("\"ok\"");
  }

  static boolean degraded(URI health) throws Exception {
    DaemonIT.Reply r = DaemonIT.get(health);
    return r.statusCode() == 200 && r.body().contains("\"degraded\"");
  }

  static boolean contains(Path log, String text) throws IOException {
    return Files.exists(log) && Files.readString(log).contains(text);
  }

  static long count(Path log, String text) throws IOException {
    return Files.readAllLines(log).stream().filter(l -> l.contains(text)).count();
  }

  static List<String> lines(Path a, Path b, String text) throws IOException {
    List<String> out = new ArrayList<>();
    for (Path p : a.equals(b) ? List.of(a) : List.of(a, b)) {
      if (Files.exists(p)) {
        Files.readAllLines(p).stream().filter(l -> l.contains(text)).forEach(out::add);
      }
    }
    return out;
  }

  static List<LocalTime> times(List<String> lines) {
    List<LocalTime> out = new ArrayList<>();
    for (String l : lines) {
      Matcher m = LINE_TIME.matcher(l);
      if (m.find()) {
        out.add(LocalTime.parse(m.group(1)));
      }
    }
    out.sort(null);
    return out;
  }

  static Duration minGap(List<LocalTime> times) {
    Duration min = Duration.ofDays(1);
    for (int i = 1; i < times.size(); i++) {
      Duration d = Duration.between(times.get(i - 1), times.get(i));
      min = d.compareTo(min) < 0 ? d : min;
    }
    return min;
  }
}
