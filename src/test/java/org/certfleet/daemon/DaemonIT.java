package org.certfleet.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.certfleet.cli.CliRun;
import org.certfleet.cli.ExitCodes;
import org.certfleet.testing.lab.Lab;
import org.certfleet.testing.lab.LabExtension;
import org.certfleet.testing.lab.LabNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certfleet daemon} as an operator runs it ({@code java -jar}), against the lab, with a schedule
 * in seconds and no CLI call in between: nodes start with soon-to-expire certificates; the daemon
 * alerts them, renews, distributes, resolves, reports, and shows it in /metrics and on the status page.
 * A first daemon is killed with SIGKILL in the middle of its renewals; a second one finds a consistent
 * store, converges, and stops cleanly on SIGTERM.
 */
@ExtendWith(LabExtension.class)
class DaemonIT {
  static final Path JAR = Path.of(System.getProperty("certfleet.jar", "target/certfleet.jar"));
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  static final Pattern SERIES = Pattern.compile(
      "certfleet_certificate_not_after_timestamp_seconds\\{cert=\"([^\"]+)\",node=\"([^\"]*)\",source=\"([a-z]+)\"} (\\S+)");
  Lab lab;
  final List<Process> started = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    if (lab != null) {
      LabNodes.resetCertificates(lab);
    }
  }

  @Test
  void renewsDistributesAlertsResolvesAndReportsOnItsOwnSurvivesSigkillAndStopsOnSigterm(Lab lab, @TempDir Path dir)
      throws Exception {
    this.lab = lab;
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    Path cfg = lab.configCopy(dir, lab.tsigSecretFile());
    String yaml = Files.readString(cfg)
        .replaceAll("renewal-check: \"[^\"]*\"", "renewal-check: \"0 0 * * * ?\"")
        .replaceAll("inventory-scan: \"[^\"]*\"", "inventory-scan: \"0/5 * * * * ?\"")
        .replaceAll("report: \"[^\"]*\"", "report: \"0/20 * * * * ?\"")
        + "daemon:\n  listen: 127.0.0.1:" + port + "\n  stop-timeout: 60s\n  ready-within: 1m\n";
    Files.writeString(cfg, yaml);
    for (String cert : lab.certificates()) {
      LabNodes.installExpiring(lab, cert, Duration.ofDays(10));
    }
    lab.clearWebhookRequests();
    URI base = URI.create("http://127.0.0.1:" + port);

    // The first daemon: alerts what it finds, starts renewing, and is killed in the middle of it.
    Path log1 = dir.resolve("daemon1.log");
    Process first = start(cfg, log1);
    await(Duration.ofSeconds(60), "the first renewal starts", () -> Files.readString(log1).contains(": started")
        && Files.readString(log1).contains("renew:"));
    Thread.sleep(1500);
    first.destroyForcibly(); // SIGKILL
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Map<String, Integer> expiring = count(lab.webhookRequests(), "EXPIRING");
    for (String cert : lab.certificates()) {
      for (Lab.Node n : lab.nodes()) {
        assertThat(expiring).as(Files.readString(log1)).containsKey("EXPIRING:" + cert + ":" + n.name() + ":" + cert);
      }
    }

    // The second daemon converges: every node serves a certificate from the CA, the alerts resolve.
    Path log2 = dir.resolve("daemon2.log");
    Process second = start(cfg, log2);
    await(Duration.ofSeconds(20), "/healthz answers 200", () -> get(base.resolve("/healthz")).statusCode() == 200);
    await(Duration.ofSeconds(120), "every node serves the issued certificate", () -> converged(get(base.resolve("/metrics")).body()));
    await(Duration.ofSeconds(30), "the EXPIRING alerts are resolved", () ->
        count(lab.webhookRequests(), "[RESOLVED]").keySet().containsAll(expiring.keySet()));
    await(Duration.ofSeconds(30), "the expiry report reaches chat", () -> lab.webhookRequests().stream()
        .anyMatch(r -> r.get("body").asText().contains("certfleet expiry report")));
    assertThat(count(lab.webhookRequests(), "EXPIRING")).as("each problem alerted once, across the restart")
        .allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(2)); // the alert and its [RESOLVED]

    String metrics = get(base.resolve("/metrics")).body();
    // The first daemon may have renewed some before it was killed (convergence above proves every one was
    // renewed by one of the two): this one counts only its own.
    for (String cert : lab.certificates()) {
      if (Files.readString(log2).contains("renew:" + cert + ": renewed")) {
        assertThat(metrics).contains("certfleet_renewals_total{cert=\"" + cert + "\",result=\"success\"} 1.0");
      }
    }
    assertThat(metrics)
        .contains("certfleet_last_successful_cycle_timestamp_seconds")
        .containsPattern("certfleet_alert_deliveries_total\\{channel=\"lab-chat\",result=\"success\"} [1-9]");
    await(Duration.ofSeconds(20), "/readyz is ready", () -> get(base.resolve("/readyz")).statusCode() == 200);
    String page = get(base.resolve("/")).body();
    for (String cert : lab.certificates()) {
      assertThat(page).contains(cert);
    }
    for (Lab.Node n : lab.nodes()) {
      assertThat(page).contains(n.name());
    }

    // Reloading: certfleet reload refuses an invalid file itself (exit 2, the daemon not signalled); a SIGHUP
    // from elsewhere with that file is refused by the daemon, which keeps running; a valid file is taken.
    String good = Files.readString(cfg);
    Files.writeString(cfg, good.replace("inventory-scan: \"0/5 * * * * ?\"", "inventory-scan: \"every five seconds\""));
    CliRun refused = CliRun.of("--config", cfg.toString(), "reload");
    assertThat(refused.exitCode()).as(refused.out() + refused.err()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(refused.err()).contains("inventory-scan");
    new ProcessBuilder("kill", "-HUP", Long.toString(second.pid())).start().waitFor(10, TimeUnit.SECONDS);
    await(Duration.ofSeconds(20), "the daemon refuses the invalid config", () -> Files.readString(log2).contains("reload refused"));
    assertThat(second.isAlive()).isTrue();
    assertThat(get(base.resolve("/healthz")).statusCode()).isEqualTo(200);
    Files.writeString(cfg, good);
    CliRun taken = CliRun.of("--config", cfg.toString(), "reload");
    assertThat(taken.exitCode()).as(taken.out() + taken.err()).isZero();
    await(Duration.ofSeconds(20), "the valid config is taken", () -> Files.readString(log2).contains("reloaded "));

    // SIGTERM: a clean stop with exit code 0, the pid file removed.
    assertThat(Files.exists(dir.resolve("state/daemon.pid"))).isTrue();
    second.destroy(); // SIGTERM
    assertThat(second.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(log2)).isTrue();
    assertThat(second.exitValue()).as(Files.readString(log2)).isZero();
    assertThat(Files.readString(log2)).contains("stopped");
    assertThat(Files.exists(dir.resolve("state/daemon.pid"))).isFalse();

    CliRun after = CliRun.of("--config", cfg.toString(), "inventory");
    assertThat(after.exitCode()).as(after.out() + after.err()).isZero();
  }

  Process start(Path cfg, Path log) throws IOException {
    // env resets SIGHUP in case this test runs with it ignored (under nohup), which the daemon would inherit.
    Process p = new ProcessBuilder("env", "--default-signal=HUP",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        JAR.toString(), "--config", cfg.toString(), "daemon")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    started.add(p);
    return p;
  }

  /** True when, for every certificate, every node's served expiry equals the issued one. */
  boolean converged(String metrics) {
    Map<String, String> issued = new HashMap<>();
    Map<String, List<String>> served = new HashMap<>();
    Matcher m = SERIES.matcher(metrics);
    while (m.find()) {
      if (m.group(3).equals("issued")) {
        issued.put(m.group(1), m.group(4));
      } else if (m.group(3).equals("served")) {
        served.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(m.group(4));
      }
    }
    return lab.certificates().stream().allMatch(c -> issued.containsKey(c) && served.getOrDefault(c, List.of()).size()
        == lab.nodes().size() && served.get(c).stream().allMatch(v -> v.equals(issued.get(c))));
  }

  /** Finding keys of the chat messages containing {@code marker}, with how many messages named each. */
  static Map<String, Integer> count(List<JsonNode> requests, String marker) {
    Pattern key = Pattern.compile("finding: (EXPIRING:[^\\s\"\\\\]+)");
    Map<String, Integer> out = new HashMap<>();
    for (JsonNode r : requests) {
      String body = r.get("body").asText();
      if (body.contains(marker)) {
        Matcher m = key.matcher(body);
        while (m.find()) {
          out.merge(m.group(1), 1, Integer::sum);
        }
      }
    }
    return out;
  }

  record Reply(int statusCode, String body) {}

  /** GET, with status -1 while nothing listens yet. */
  static Reply get(URI uri) throws IOException, InterruptedException {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Reply(r.statusCode(), r.body());
    } catch (java.net.ConnectException e) {
      return new Reply(-1, "");
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void await(Duration limit, String what, Check check) throws Exception {
    Instant deadline = Instant.now().plus(limit);
    while (!check.ok()) {
      assertThat(Instant.now()).as("waiting for: " + what).isBefore(deadline);
      Thread.sleep(250);
    }
  }
}
