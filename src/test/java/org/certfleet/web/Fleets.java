package org.certfleet.web;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.certfleet.audit.AuditEntry;
import org.certfleet.cert.CertFacts;
import org.certfleet.deploy.DeployedState;
import org.certfleet.inventory.Finding;
import org.certfleet.inventory.FindingType;
import org.certfleet.inventory.InventoryReport;
import org.certfleet.inventory.InventoryReport.CertView;
import org.certfleet.inventory.InventoryReport.NodeView;
import org.certfleet.inventory.InventoryReport.ServedView;

/** Synthetic snapshots for the web tests: certificates × nodes with chosen days left. */
final class Fleets {
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  private Fleets() {}

  static CertFacts facts(String name, Instant notAfter) {
    return new CertFacts("CN=" + name, "CN=Test CA", "1a", List.of(name), notAfter.minus(Duration.ofDays(90)), notAfter,
        "ab".repeat(32), "EC P-256", null);
  }

  static Instant daysFromNow(double days) {
    return NOW.plusSeconds((long) (days * 86_400));
  }

  /** A node that holds and serves {@code cert} for each name with the given days left. */
  static NodeView node(String node, String cert, double... servedDaysLeft) {
    List<ServedView> served = new ArrayList<>();
    for (int i = 0; i < servedDaysLeft.length; i++) {
      String name = (i == 0 ? "" : "n" + i + ".") + cert;
      served.add(new ServedView(name, node + ":443", facts(name, daysFromNow(servedDaysLeft[i])), null, null));
    }
    CertFacts held = servedDaysLeft.length == 0 ? null : facts(cert, daysFromNow(servedDaysLeft[0]));
    return new NodeView(node, new DeployedState(node, cert, "/etc/letsencrypt/live/" + cert, held, true, 0600, 0, null),
        null, served);
  }

  static CertView cert(String cert, double issuedDaysLeft, NodeView... nodes) {
    return new CertView(cert, facts(cert, daysFromNow(issuedDaysLeft)), 2, null, 0, List.of(nodes));
  }

  static Finding finding(FindingType type, String cert, String node, String message) {
    return new Finding(type, type + ":" + cert + ":" + node, cert, node, null, message, null);
  }

  static StatusSnapshot snapshot(InventoryReport report) {
    return new StatusSnapshot(NOW, true, null, NOW.minusSeconds(600), NOW.minusSeconds(540), true, Duration.ofHours(1),
        report, List.of(), List.of());
  }

  /** Three certificates on four nodes: expired, expiring within days, expiring within two weeks, fine. */
  static StatusSnapshot fleet() {
    InventoryReport report = new InventoryReport(NOW.minusSeconds(300), List.of(
        cert("media.hachyderm.io", 2,
            node("cdn-frankfurt-1", "media.hachyderm.io", 2),
            node("cdn-fremont-1", "media.hachyderm.io", -1),
            node("sally", "media.hachyderm.io", 2, 75)),
        cert("hachyderm.io", 10,
            node("cdn-frankfurt-1", "hachyderm.io", 10),
            node("esme", "hachyderm.io", 10, 10)),
        cert("files.hachyderm.io", 60,
            node("cdn-fremont-1", "files.hachyderm.io", 60),
            node("esme", "files.hachyderm.io", 60),
            new NodeView("sally", null, "connect timed out after 10 s", List.of()))),
        List.of(
            finding(FindingType.EXPIRING, "hachyderm.io", "esme", "10 days left"),
            finding(FindingType.UNREACHABLE, "files.hachyderm.io", "sally", "connect timed out after 10 s"),
            finding(FindingType.EXPIRED, "media.hachyderm.io", "cdn-fremont-1", "expired 1 day ago"),
            finding(FindingType.UNKNOWN_CERT, "files.hachyderm.io", "esme", "old.hachyderm.io serves an unmanaged certificate"),
            finding(FindingType.KEY_MISMATCH, "media.hachyderm.io", "sally", "privkey.pem does not match cert.pem")));
    List<AuditEntry> audit = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      audit.add(new AuditEntry(NOW.minusSeconds(3600L * i), i % 2 == 0 ? "upload" : "command", "media.hachyderm.io",
          "cdn-frankfurt-1", i % 2 == 0 ? "/etc/letsencrypt/archive/media.hachyderm.io/cert" + i + ".pem" : null,
          null, null, i % 2 == 0 ? null : "sudo -n nginx -t", i == 3 ? "exit 1: nginx: [emerg] bad config" : "ok"));
    }
    return new StatusSnapshot(NOW, true, null, NOW.minusSeconds(900), NOW.minusSeconds(780), true, Duration.ofHours(2),
        report,
        List.of(new JobStatus("renew", NOW.minusSeconds(900), "ok: 1 renewed, 2 not due", NOW.plusSeconds(20_700)),
            new JobStatus("inventory", NOW.minusSeconds(300), "5 findings", NOW.plusSeconds(3300)),
            new JobStatus("digest", null, null, null)),
        audit);
  }
}
