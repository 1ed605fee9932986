package org.certfleet.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.certfleet.cert.CertFacts;
import org.certfleet.deploy.DeployedState;
import org.certfleet.inventory.Finding;
import org.certfleet.inventory.FindingType;
import org.certfleet.inventory.InventoryReport;
import org.certfleet.inventory.InventoryReport.CertView;
import org.certfleet.inventory.InventoryReport.NodeView;
import org.certfleet.inventory.InventoryReport.ServedView;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The text output parsed back into series, so names, labels and values are checked exactly. */
class CertfleetMetricsTest {
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  static final String NOT_AFTER = "certfleet_certificate_not_after_timestamp_seconds";

  final CertfleetMetrics metrics = new CertfleetMetrics();

  @Test
  void notAfterPerSourceWithTheEarliestServedNamePerNode() throws IOException {
    CertView media = new CertView("media", facts(NOW.plus(Duration.ofDays(60))), 3, null, 0, List.of(
        new NodeView("fra-1", deployed("fra-1", "media", facts(NOW.plus(Duration.ofDays(60)))), null, List.of(
            served("media.example", facts(NOW.plus(Duration.ofDays(60)))),
            served("www.media.example", facts(NOW.plus(Duration.ofDays(5)))))),
        new NodeView("fre-1", deployed("fre-1", "media", null), null, List.of(
            new ServedView("media.example", "192.0.2.2:443", null, null, "connect timed out")))));
    metrics.inventory(new InventoryReport(NOW, List.of(media), List.of()));

    assertThat(series(NOT_AFTER)).containsOnly(
        entry(NOT_AFTER + "{cert=\"media\",node=\"\",source=\"issued\"}", epoch(60)),
        entry(NOT_AFTER + "{cert=\"media\",node=\"fra-1\",source=\"deployed\"}", epoch(60)),
        entry(NOT_AFTER + "{cert=\"media\",node=\"fra-1\",source=\"served\"}", epoch(5)));
  }

  @Test
  void seriesGoneFromTheLatestReportAreGone() throws IOException {
    CertView a = new CertView("a", facts(NOW.plus(Duration.ofDays(30))), 1, null, 0, List.of(
        new NodeView("n1", deployed("n1", "a", facts(NOW.plus(Duration.ofDays(30)))), null,
            List.of(served("a.example", facts(NOW.plus(Duration.ofDays(30)))))),
        new NodeView("n2", deployed("n2", "a", facts(NOW.plus(Duration.ofDays(30)))), null,
            List.of(served("a.example", facts(NOW.plus(Duration.ofDays(30))))))));
    CertView b = new CertView("b", facts(NOW.plus(Duration.ofDays(10))), 1, null, 0, List.of());
    metrics.inventory(new InventoryReport(NOW, List.of(a, b), List.of(
        finding(FindingType.EXPIRING, "b"), finding(FindingType.UNREACHABLE, "a"))));
    assertThat(series(NOT_AFTER)).hasSize(6);

    // n2 left the fleet, b was deleted, the findings were fixed.
    CertView aOnN1 = new CertView("a", facts(NOW.plus(Duration.ofDays(90))), 2, null, 0, List.of(
        new NodeView("n1", deployed("n1", "a", facts(NOW.plus(Duration.ofDays(90)))), null,
            List.of(served("a.example", facts(NOW.plus(Duration.ofDays(90))))))));
    metrics.inventory(new InventoryReport(NOW, List.of(aOnN1), List.of()));

    assertThat(series(NOT_AFTER)).containsOnly(
        entry(NOT_AFTER + "{cert=\"a\",node=\"\",source=\"issued\"}", epoch(90)),
        entry(NOT_AFTER + "{cert=\"a\",node=\"n1\",source=\"deployed\"}", epoch(90)),
        entry(NOT_AFTER + "{cert=\"a\",node=\"n1\",source=\"served\"}", epoch(90)));
    assertThat(series("certfleet_findings").values()).hasSize(FindingType.values().length).containsOnly(0.0);
  }

  @Test
  void findingsCountedPerTypeWithItsSeverityAndZeroForTheRest() throws IOException {
    metrics.inventory(new InventoryReport(NOW, List.of(), List.of(
        finding(FindingType.EXPIRED, "a"), finding(FindingType.EXPIRED, "b"), finding(FindingType.DRIFT, "a"))));

    Map<String, Double> findings = series("certfleet_findings");
    assertThat(findings).hasSize(FindingType.values().length)
        .contains(
            entry("certfleet_findings{severity=\"critical\",type=\"expired\"}", 2.0),
            entry("certfleet_findings{severity=\"warning\",type=\"drift\"}", 1.0),
            entry("certfleet_findings{severity=\"warning\",type=\"expiring\"}", 0.0),
            entry("certfleet_findings{severity=\"info\",type=\"unknown_cert\"}", 0.0));
  }

  @Test
  void nothingFromTheInventoryBeforeTheFirstReport() throws IOException {
    assertThat(series(NOT_AFTER)).isEmpty();
    assertThat(series("certfleet_findings")).isEmpty();
    assertThat(series("certfleet_last_successful_cycle_timestamp_seconds")).isEmpty();
  }

  @Test
  void renewalsCountBothResultsFromTheFirstEventAndTimeIntoBuckets() throws IOException {
    metrics.renewal("media", true, Duration.ofSeconds(42));
    metrics.renewal("media", true, Duration.ofMillis(500));

    assertThat(series("certfleet_renewals_total")).containsOnly(
        entry("certfleet_renewals_total{cert=\"media\",result=\"failure\"}", 0.0),
        entry("certfleet_renewals_total{cert=\"media\",result=\"success\"}", 2.0));
    Map<String, Double> duration = series("certfleet_renewal_duration_seconds");
    assertThat(duration).contains(
        entry("certfleet_renewal_duration_seconds_count{cert=\"media\"}", 2.0),
        entry("certfleet_renewal_duration_seconds_sum{cert=\"media\"}", 42.5),
        entry("certfleet_renewal_duration_seconds_bucket{cert=\"media\",le=\"1.0\"}", 1.0),
        entry("certfleet_renewal_duration_seconds_bucket{cert=\"media\",le=\"30.0\"}", 1.0),
        entry("certfleet_renewal_duration_seconds_bucket{cert=\"media\",le=\"60.0\"}", 2.0),
        entry("certfleet_renewal_duration_seconds_bucket{cert=\"media\",le=\"+Inf\"}", 2.0));

    metrics.renewal("media", false, Duration.ofSeconds(3));
    assertThat(series("certfleet_renewals_total"))
        .contains(entry("certfleet_renewals_total{cert=\"media\",result=\"failure\"}", 1.0));
  }

  @Test
  void deploymentsPerCertAndNode() throws IOException {
    metrics.deployment("media", "fra-1", true, Duration.ofMillis(1500));
    metrics.deployment("media", "fre-1", false, Duration.ofSeconds(20));
    metrics.deployment("media", "fre-1", false, Duration.ofSeconds(-1)); // clock stepped back

    assertThat(series("certfleet_deployments_total")).containsOnly(
        entry("certfleet_deployments_total{cert=\"media\",node=\"fra-1\",result=\"failure\"}", 0.0),
        entry("certfleet_deployments_total{cert=\"media\",node=\"fra-1\",result=\"success\"}", 1.0),
        entry("certfleet_deployments_total{cert=\"media\",node=\"fre-1\",result=\"failure\"}", 2.0),
        entry("certfleet_deployments_total{cert=\"media\",node=\"fre-1\",result=\"success\"}", 0.0));
    assertThat(series("certfleet_deployment_duration_seconds")).contains(
        entry("certfleet_deployment_duration_seconds_sum{cert=\"media\",node=\"fra-1\"}", 1.5),
        entry("certfleet_deployment_duration_seconds_bucket{cert=\"media\",le=\"1.0\",node=\"fra-1\"}", 0.0),
        entry("certfleet_deployment_duration_seconds_bucket{cert=\"media\",le=\"2.5\",node=\"fra-1\"}", 1.0),
        entry("certfleet_deployment_duration_seconds_sum{cert=\"media\",node=\"fre-1\"}", 20.0),
        entry("certfleet_deployment_duration_seconds_bucket{cert=\"media\",le=\"0.25\",node=\"fre-1\"}", 1.0),
        entry("certfleet_deployment_duration_seconds_count{cert=\"media\",node=\"fre-1\"}", 2.0));
  }

  @Test
  void alertDeliveriesPerChannel() throws IOException {
    metrics.alertDelivery("ops-slack", true);
    metrics.alertDelivery("ops-slack", false);
    metrics.alertDelivery("ops-slack", false);

    assertThat(series("certfleet_alert_deliveries_total")).containsOnly(
        entry("certfleet_alert_deliveries_total{channel=\"ops-slack\",result=\"failure\"}", 2.0),
        entry("certfleet_alert_deliveries_total{channel=\"ops-slack\",result=\"success\"}", 1.0));
  }

  @Test
  void lastSuccessfulCycleKeepsTheLatest() throws IOException {
    metrics.cycleSucceeded(NOW);
    metrics.cycleSucceeded(NOW.minusSeconds(600)); // reported late by a slower thread

    assertThat(series("certfleet_last_successful_cycle_timestamp_seconds")).containsOnly(
        entry("certfleet_last_successful_cycle_timestamp_seconds", NOW.getEpochSecond() + 0.0));
  }

  @Test
  void labelValuesAreEscapedInTheTextFormat() throws IOException {
    metrics.alertDelivery("a\"b\\c\nd", true);

    assertThat(text()).contains("channel=\"a\\\"b\\\\c\\nd\"");
  }

  @Test
  void everyMetricHasHelpAndTypeLines() throws IOException {
    metrics.renewal("a", true, Duration.ZERO);
    metrics.deployment("a", "n", true, Duration.ZERO);
    metrics.alertDelivery("c", true);
    metrics.cycleSucceeded(NOW);
    metrics.inventory(new InventoryReport(NOW, List.of(), List.of()));

    String text = text();
    assertThat(text)
        .contains("# TYPE certfleet_findings gauge\n")
        .contains("# TYPE certfleet_renewals_total counter\n")
        .contains("# TYPE certfleet_renewal_duration_seconds histogram\n")
        .contains("# TYPE certfleet_deployments_total counter\n")
        .contains("# TYPE certfleet_deployment_duration_seconds histogram\n")
        .contains("# TYPE certfleet_alert_deliveries_total counter\n")
        .contains("# TYPE certfleet_last_successful_cycle_timestamp_seconds gauge\n");
    // No created timestamps: 0.0.4 scrapers would take them for series of their own.
    assertThat(text).doesNotContain("_created");
    // A metric without samples writes nothing at all, not even its HELP line.
    assertThat(text).doesNotContain("not_after");
    assertThat(text.lines().filter(l -> l.startsWith("# HELP certfleet_")).count()).isEqualTo(7);
    metrics.inventory(new InventoryReport(NOW, List.of(new CertView("a", facts(NOW), 1, null, 0, List.of())), List.of()));
    assertThat(text()).contains("# TYPE certfleet_certificate_not_after_timestamp_seconds gauge\n");
  }

  @Test
  void recordingWhileScrapingFromOtherThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < 1000; i++) {
            metrics.deployment("a", "n", true, Duration.ofMillis(10));
            metrics.inventory(new InventoryReport(NOW, List.of(
                new CertView("a", facts(NOW.plusSeconds(i)), 1, null, 0, List.of())), List.of()));
          }
          return text();
        }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(series("certfleet_deployments_total"))
        .contains(entry("certfleet_deployments_total{cert=\"a\",node=\"n\",result=\"success\"}", 4000.0));
    assertThat(series(NOT_AFTER)).hasSize(1);
  }

  // ---- helpers --------------------------------------------------------------------------------

  String text() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    metrics.writeText(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Every sample whose name starts with {@code prefix}, as {@code name{k="v",…}} (labels sorted) → value. */
  Map<String, Double> series(String prefix) throws IOException {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String line : text().lines().toList()) {
      if (line.startsWith("#") || line.isBlank() || !line.startsWith(prefix)) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String sample = line.substring(0, space);
      int brace = sample.indexOf('{');
      String key = brace < 0 ? sample
          : sample.substring(0, brace) + "{" + String.join(",", sortedLabels(sample.substring(brace + 1, sample.length() - 1))) + "}";
      assertThat(out).as("duplicate series %s", key).doesNotContainKey(key);
      out.put(key, Double.parseDouble(line.substring(space + 1)));
    }
    return out;
  }

  private static List<String> sortedLabels(String labels) {
    List<String> pairs = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < labels.length(); i++) {
      char c = labels.charAt(i);
      if (c == '\\' && quoted) {
        cur.append(c).append(labels.charAt(++i));
        continue;
      }
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == ',' && !quoted) {
        pairs.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (cur.length() > 0) {
      pairs.add(cur.toString());
    }
    pairs.sort(null);
    return pairs;
  }

  static double epoch(int daysFromNow) {
    return NOW.plus(Duration.ofDays(daysFromNow)).getEpochSecond();
  }

  static CertFacts facts(Instant notAfter) {
    return new CertFacts("CN=x", "CN=Test CA", "1", List.of("x.example"), notAfter.minus(Duration.ofDays(90)),
        notAfter, "00".repeat(32), "EC P-256", null);
  }

  static DeployedState deployed(String node, String cert, @Nullable CertFacts facts) {
    return new DeployedState(node, cert, "/etc/letsencrypt/live/" + cert, facts, facts == null ? null : true,
        0600, 0, facts == null ? "no certificate" : null);
  }

  static ServedView served(String name, CertFacts leaf) {
    return new ServedView(name, "192.0.2.1:443", leaf, null, null);
  }

  static Finding finding(FindingType type, String cert) {
    return new Finding(type, type + ":" + cert, cert, null, null, "something about " + cert, null);
  }
}
