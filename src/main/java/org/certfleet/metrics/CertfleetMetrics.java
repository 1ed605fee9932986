package org.certfleet.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.certfleet.cert.CertFacts;
import org.certfleet.inventory.Finding;
import org.certfleet.inventory.FindingType;
import org.certfleet.inventory.InventoryReport;
import org.jspecify.annotations.Nullable;

/**
 * certfleet's Prometheus metrics, in a registry of their own.
 *
 * <ul>
 *   <li>The inventory gauges ({@code certfleet_certificate_not_after_timestamp_seconds}, {@code
 *       certfleet_findings}) show exactly the latest {@link #inventory report}: a series whose
 *       certificate, node or finding type is gone from it is gone from the output too. Each scrape sees
 *       one whole report, never a mix of two. Both are absent until the first report.
 *   <li>Counters and histograms only grow. The first event for a label set creates both its {@code
 *       success} and {@code failure} series, so the first failure shows as an increase from 0 rather
 *       than a new series that {@code increase()} would miss.
 *   <li>Durations are classic histograms, not summaries: buckets aggregate across certificates, nodes
 *       and daemon restarts, any quantile can be asked for later, and recording costs no sliding window.
 * </ul>
 *
 * <p>Thread-safe: the daemon's jobs record while the status server scrapes.
 */
public final class CertfleetMetrics {
  /** The value of the {@code node} label on the {@code issued} series, which belong to no node. */
  public static final String NO_NODE = "";

  static final String SUCCESS = "success";
  static final String FAILURE = "failure";

  // Renewals wait for DNS propagation and the CA: seconds to many minutes.
  private static final double[] RENEWAL_BUCKETS = {1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800};
  // A deployment is an SFTP upload, nginx -t, a reload and a probe: well under a second to a minute.
  private static final double[] DEPLOYMENT_BUCKETS = {0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  /** The latest report's series, replaced whole on each report; null before the first. */
  private final AtomicReference<@Nullable InventorySeries> inventory = new AtomicReference<>();
  private final AtomicReference<@Nullable Instant> lastSuccessfulCycle = new AtomicReference<>();

  private final Counter renewals;
  private final Histogram renewalDuration;
  private final Counter deployments;
  private final Histogram deploymentDuration;
  private final Counter alertDeliveries;

  public CertfleetMetrics() {
    GaugeWithCallback.builder()
        .name("certfleet_certificate_not_after_timestamp_seconds")
        .help("Expiry (notAfter, Unix seconds) of each certificate as of the latest inventory. source=issued: the"
            + " local store's current version (node=\"\"); source=deployed: the files on the node; source=served:"
            + " what the node serves over TLS, the earliest notAfter when it serves several names. A certificate"
            + " or node missing from the latest inventory has no series.")
        .labelNames("cert", "node", "source")
        .callback(cb -> {
          InventorySeries s = inventory.get();
          if (s != null) {
            s.notAfter().forEach(x -> cb.call(x.value(), x.labels().toArray(String[]::new)));
          }
        })
        .register(registry);
    GaugeWithCallback.builder()
        .name("certfleet_findings")
        .help("Findings in the latest inventory by type (lowercase FindingType, e.g. expiring, key_mismatch) and"
            + " severity (info, warning, critical). Every type is present, 0 when it has no finding; absent"
            + " before the first inventory.")
        .labelNames("type", "severity")
        .callback(cb -> {
          InventorySeries s = inventory.get();
          if (s != null) {
            s.findings().forEach((type, count) -> cb.call(count, label(type), type.severity().label()));
          }
        })
        .register(registry);
    renewals = Counter.builder()
        .name("certfleet_renewals_total")
        .help("Renewal attempts by certificate and result (success, failure); a certificate that is not due"
            + " makes no attempt.")
        .labelNames("cert", "result")
        .register(registry);
    renewalDuration = Histogram.builder()
        .name("certfleet_renewal_duration_seconds")
        .help("Duration of renewal attempts (order, DNS-01, finalize, download, store), successful or not.")
        .labelNames("cert")
        .classicOnly()
        .classicUpperBounds(RENEWAL_BUCKETS)
        .register(registry);
    deployments = Counter.builder()
        .name("certfleet_deployments_total")
        .help("Deployments of a certificate to a node by result (success, failure); a failure was rolled back.")
        .labelNames("cert", "node", "result")
        .register(registry);
    deploymentDuration = Histogram.builder()
        .name("certfleet_deployment_duration_seconds")
        .help("Duration of deployments of a certificate to a node (upload, test, reload, verify), successful or"
            + " not.")
        .labelNames("cert", "node")
        .classicOnly()
        .classicUpperBounds(DEPLOYMENT_BUCKETS)
        .register(registry);
    alertDeliveries = Counter.builder()
        .name("certfleet_alert_deliveries_total")
        .help("Alert messages handed to a chat channel, by channel name and result (success, failure).")
        .labelNames("channel", "result")
        .register(registry);
    GaugeWithCallback.builder()
        .name("certfleet_last_successful_cycle_timestamp_seconds")
        .help("When the daemon's last cycle finished without error (Unix seconds); absent until the first since"
            + " the daemon started, so alert on absent() too.")
        .callback(cb -> {
          Instant t = lastSuccessfulCycle.get();
          if (t != null) {
            cb.call(seconds(t));
          }
        })
        .register(registry);
  }

  /** Replaces the inventory gauges with what {@code report} says; the last call wins. */
  public void inventory(InventoryReport report) {
    inventory.set(InventorySeries.of(report));
  }

  /** Counts one renewal attempt of {@code cert} and records how long it took. */
  public void renewal(String cert, boolean ok, Duration took) {
    Objects.requireNonNull(cert, "cert");
    count(renewals, ok, cert);
    renewalDuration.labelValues(cert).observe(seconds(took));
  }

  /** Counts one deployment of {@code cert} to {@code node} and records how long it took. */
  public void deployment(String cert, String node, boolean ok, Duration took) {
    Objects.requireNonNull(cert, "cert");
    Objects.requireNonNull(node, "node");
    count(deployments, ok, cert, node);
    deploymentDuration.labelValues(cert, node).observe(seconds(took));
  }

  /** Counts one alert message sent (or not) to the chat channel named {@code channel}. */
  public void alertDelivery(String channel, boolean ok) {
    Objects.requireNonNull(channel, "channel");
    count(alertDeliveries, ok, channel);
  }

  /** Records that a cycle finished without error at {@code finished}; an earlier instant than the last is ignored. */
  public void cycleSucceeded(Instant finished) {
    Objects.requireNonNull(finished, "finished");
    lastSuccessfulCycle.accumulateAndGet(finished, (old, t) -> old == null || t.isAfter(old) ? t : old);
  }

  /**
   * Writes every metric in the Prometheus text exposition format 0.0.4 (content type {@code text/plain;
   * version=0.0.4; charset=utf-8}). Does not close {@code out}.
   */
  public void writeText(OutputStream out) throws IOException {
    writer.write(out, registry.scrape());
  }

  private static void count(Counter counter, boolean ok, String... labels) {
    // Both results exist from the first event on, so a first failure is an increase, not a new series.
    String[] success = append(labels, SUCCESS);
    String[] failure = append(labels, FAILURE);
    counter.initLabelValues(success);
    counter.initLabelValues(failure);
    counter.labelValues(ok ? success : failure).inc();
  }

  private static String[] append(String[] labels, String last) {
    String[] all = Arrays.copyOf(labels, labels.length + 1);
    all[labels.length] = last;
    return all;
  }

  private static double seconds(Duration d) {
    // A wall clock stepped back can make a measured duration negative; a histogram must not see that.
    return d.isNegative() ? 0 : d.toNanos() / 1e9;
  }

  private static double seconds(Instant t) {
    return t.toEpochMilli() / 1000.0;
  }

  static String label(FindingType type) {
    return type.name().toLowerCase(Locale.ROOT);
  }

  private record Sample(List<String> labels, double value) {}

  /** The inventory gauges' samples, computed once per report. */
  private record InventorySeries(List<Sample> notAfter, Map<FindingType, Integer> findings) {
    static InventorySeries of(InventoryReport report) {
      List<Sample> notAfter = new ArrayList<>();
      for (InventoryReport.CertView c : report.certificates()) {
        CertFacts issued = c.issued();
        if (issued != null) {
          notAfter.add(new Sample(List.of(c.cert(), NO_NODE, "issued"), seconds(issued.notAfter())));
        }
        for (InventoryReport.NodeView n : c.nodes()) {
          CertFacts deployed = n.deployed() == null ? null : n.deployed().cert();
          if (deployed != null) {
            notAfter.add(new Sample(List.of(c.cert(), n.node(), "deployed"), seconds(deployed.notAfter())));
          }
          n.served().stream()
              .map(InventoryReport.ServedView::leaf)
              .filter(Objects::nonNull)
              .map(CertFacts::notAfter)
              .min(Comparator.naturalOrder())
              .ifPresent(t -> notAfter.add(new Sample(List.of(c.cert(), n.node(), "served"), seconds(t))));
        }
      }
      Map<FindingType, Integer> findings = new EnumMap<>(FindingType.class);
      for (FindingType t : FindingType.values()) {
        findings.put(t, 0);
      }
      for (Finding f : report.findings()) {
        findings.merge(f.type(), 1, Integer::sum);
      }
      return new InventorySeries(List.copyOf(notAfter), Collections.unmodifiableMap(findings));
    }
  }
}
