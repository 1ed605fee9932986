package org.certfleet.operation;

import java.io.IOException;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.util.List;
import org.certfleet.alert.AlertBook;
import org.certfleet.alert.Heartbeat;
import org.certfleet.cert.Pem;
import org.certfleet.config.AppConfig;
import org.certfleet.config.CertSpec;
import org.certfleet.inventory.FindingAlerts;
import org.certfleet.inventory.Inventory;
import org.certfleet.inventory.InventoryReport;
import org.certfleet.probe.JdkTlsProber;
import org.certfleet.renewal.RenewalPolicy;
import org.certfleet.ssh.SshConnector;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The inventory scan, and the monitoring cycle around it: scan, evaluate alerts, ping the heartbeat. */
public final class Watch {
  private static final Logger log = LoggerFactory.getLogger(Watch.class);

  private Watch() {}

  /** Issued, deployed and served for {@code certs}. Read-only: takes no lock, changes nothing. */
  public static InventoryReport scan(AppConfig config, Toolkit kit, List<CertSpec> certs, SshConnector ssh)
      throws IOException, InterruptedException {
    List<X509Certificate> roots = config.inventory().caBundle() == null ? List.of()
        : Pem.certificates(Files.readAllBytes(config.inventory().caBundle()));
    Inventory inventory = new Inventory(config, kit.stores(config).reader(), ssh,
        new JdkTlsProber(kit.clock()), roots, new RenewalPolicy(), kit.clock());
    return inventory.scan(certs);
  }

  /**
   * What one monitoring cycle did.
   *
   * @param alerts the alert book's result, null when the alert state could not be used ({@code alertError})
   */
  public record Result(InventoryReport report, AlertBook.@Nullable Result alerts, @Nullable String alertError) {
    public boolean alertsDelivered() {
      return alerts != null && alerts.allDelivered();
    }
  }

  /**
   * Pings the heartbeat's start, scans, evaluates the findings against the alert book, and pings
   * success — or fail when the scan failed or an alert could not be delivered.
   */
  public static Result cycle(AppConfig config, Toolkit kit, Alerts alerts, List<CertSpec> certs, SshConnector ssh)
      throws IOException, InterruptedException {
    Heartbeat heartbeat = alerts.heartbeat();
    heartbeat.start();
    InventoryReport report;
    try {
      report = scan(config, kit, certs, ssh);
    } catch (IOException | RuntimeException e) {
      heartbeat.fail("inventory failed: " + e.getMessage());
      throw e;
    }
    String scanned = report.certificates().size() + " certificate(s), " + report.findings().size() + " finding(s)";
    try {
      AlertBook.Result r = alerts.book().evaluate(FindingAlerts.problems(report),
          FindingAlerts.scope(certs.stream().map(c -> c.name().value()).toList()));
      long sent = r.deliveries().stream().filter(AlertBook.Delivery::ok).count();
      if (r.allDelivered()) {
        heartbeat.success(scanned + ", " + sent + " alert(s) delivered");
      } else {
        heartbeat.fail(scanned + ", " + r.waiting() + " alert delivery(ies) failed");
      }
      return new Result(report, r, null);
    } catch (IOException e) {
      log.error("alerts not evaluated: {}", e.getMessage());
      heartbeat.fail(scanned + ", alerts not evaluated: " + e.getMessage());
      return new Result(report, null, e.getMessage());
    }
  }
}
