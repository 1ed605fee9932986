package org.certfleet.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
 * Alerts on the lab, through the lab's chat webhook receiver: the nodes start with soon-to-expire
 * self-signed certificates, which are alerted once; renew + distribute resolves them; a node put back
 * on an old certificate is drift; a chat outage is caught up on the next run.
 */
@ExtendWith(LabExtension.class)
class InventoryAlertsIT {
  static final String CERT = "media.hachyderm.io";
  static final Pattern KEY = Pattern.compile("finding: ([A-Z_]+:[^\\s\"\\\\]+)");
  Lab lab;

  @AfterEach
  void tearDown() throws Exception {
    if (lab != null) {
      LabNodes.resetCertificates(lab);
    }
  }

  /** The finding keys of the messages the receiver got that contain {@code marker}. */
  Set<String> keys(List<JsonNode> requests, String marker) {
    Set<String> out = new TreeSet<>();
    for (JsonNode r : requests) {
      String body = r.get("body").asText();
      if (body.contains(marker)) {
        Matcher m = KEY.matcher(body);
        while (m.find()) {
          out.add(m.group(1));
        }
      }
    }
    return out;
  }

  @Test
  void expiringIsAlertedOnceResolvedAfterRenewalDriftAlertedAndAChatOutageCaughtUp(Lab lab, @TempDir Path dir)
      throws Exception {
    this.lab = lab;
    Path cfg = lab.configCopy(dir, lab.tsigSecretFile());
    LabNodes.installExpiring(lab, CERT, Duration.ofDays(10));
    lab.clearWebhookRequests();

    // The receiver is down for the first run's three attempts: nothing is lost, it is retried next run.
    failNext(lab, 503, 3);
    CliRun first = CliRun.of("--config", cfg.toString(), "inventory", "--alert", "--fail-on", "never", CERT);
    assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
    assertThat(first.err()).contains("waiting for a channel");
    assertThat(lab.webhookRequests()).hasSize(3);
    lab.clearWebhookRequests();

    CliRun second = CliRun.of("--config", cfg.toString(), "inventory", "--alert", "--fail-on", "never", CERT);
    assertThat(second.exitCode()).isZero();
    List<JsonNode> alerts = lab.webhookRequests();
    Set<String> expiring = keys(alerts, "EXPIRING");
    assertThat(expiring).as(second.out() + second.err() + alerts).hasSize(lab.nodes().size())
        .allMatch(k -> k.startsWith("EXPIRING:" + CERT + ":"));
    for (Lab.Node n : lab.nodes()) {
      assertThat(expiring).contains("EXPIRING:" + CERT + ":" + n.name() + ":" + CERT);
    }
    assertThat(alerts).as("each problem once, not once per run").hasSize(keys(alerts, "").size());

    lab.clearWebhookRequests();
    CliRun third = CliRun.of("--config", cfg.toString(), "inventory", "--alert", "--fail-on", "never", CERT);
    assertThat(third.exitCode()).isZero();
    assertThat(lab.webhookRequests()).as("nothing new: already told").isEmpty();

    CliRun renew = CliRun.of("--config", cfg.toString(), "renew", CERT);
    assertThat(renew.exitCode()).as(renew.out() + renew.err()).isZero();
    lab.clearWebhookRequests();
    CliRun afterRenew = CliRun.of("--config", cfg.toString(), "inventory", "--alert", CERT);
    assertThat(afterRenew.exitCode()).as(afterRenew.out() + afterRenew.err()).isZero();
    List<JsonNode> resolved = lab.webhookRequests();
    assertThat(keys(resolved, "[RESOLVED]")).containsAll(expiring);
    assertThat(resolved).allSatisfy(r -> assertThat(r.get("body").asText()).contains("[RESOLVED]"));

    // A node put back on the expiring certificate's files, as if a hand deploy had been undone.
    Lab.Node stale = lab.nodes().get(0);
    for (String kind : new String[] {"cert", "chain", "fullchain", "privkey"}) {
      Path link = stale.baseDir().resolve("live/" + CERT + "/" + kind + ".pem");
      Files.delete(link);
      Files.createSymbolicLink(link, Path.of("../../archive/" + CERT + "/" + kind + "2.pem"));
    }
    lab.clearWebhookRequests();
    CliRun drift = CliRun.of("--config", cfg.toString(), "inventory", "--alert", CERT);
    assertThat(drift.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(keys(lab.webhookRequests(), "DRIFT")).contains("DRIFT:" + CERT + ":" + stale.name());

    lab.clearWebhookRequests();
    CliRun report = CliRun.of("--config", cfg.toString(), "report", "--chat", CERT);
    assertThat(report.exitCode()).as(report.out() + report.err()).isZero();
    assertThat(report.out()).contains("certfleet expiry report").contains("Problems:")
        .contains(stale.name() + ": deploys OLD serial");
    List<JsonNode> posted = lab.webhookRequests();
    assertThat(posted).isNotEmpty().allSatisfy(r -> assertThat(r.get("path").asText()).startsWith("/discord/"));
    assertThat(posted.get(0).get("body").asText()).contains("certfleet expiry report");
    assertThat(posted.stream().map(r -> r.get("body").asText()).reduce("", String::concat))
        .contains(lab.nodes().get(lab.nodes().size() - 1).name() + ": deploys current, serves current");
  }

  static void failNext(Lab lab, int status, int count) throws Exception {
    HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(lab.webhookBase() + "/_control/fail"))
        .timeout(Duration.ofSeconds(5))
        .POST(HttpRequest.BodyPublishers.ofString("{\"status\": " + status + ", \"count\": " + count + "}")).build(),
        HttpResponse.BodyHandlers.discarding());
  }
}
