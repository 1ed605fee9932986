package org.certfleet.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.certfleet.alert.Problem;
import org.certfleet.cert.CertFacts;
import org.certfleet.deploy.DeployedState;
import org.certfleet.inventory.InventoryReport.CertView;
import org.certfleet.inventory.InventoryReport.NodeView;
import org.certfleet.inventory.InventoryReport.ServedView;
import org.junit.jupiter.api.Test;

/** The chat report's content and order, and findings as alert problems. */
class ExpiryReportTest {
  static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z");

  static CertFacts facts(String serial, String sha, String notAfter) {
    return new CertFacts("CN=x", "CN=Pebble Intermediate CA 1f2e, O=Pebble, C=US", serial, List.of("x"),
        Instant.parse("2026-10-01T00:00:00Z"), Instant.parse(notAfter), sha, "EC P-256", null);
  }

  static NodeView node(String node, CertFacts deployed, CertFacts... served) {
    List<ServedView> s = new java.util.ArrayList<>();
    for (int i = 0; i < served.length; i++) {
      s.add(new ServedView("n" + i + ".example", "127.0.0.1:443", served[i], null, null));
    }
    return new NodeView(node, new DeployedState(node, "c", "/etc/letsencrypt/live/c", deployed, true, 0600, 0, null), null, s);
  }

  @Test
  void problemsComeFirstThenTroubledCertificatesThenTheRestBySoonestExpiry() {
    CertFacts media = facts("0a", "m1", "2026-11-30T08:00:00Z");
    CertFacts mediaOld = facts("09", "m0", "2026-11-25T08:00:00Z");
    CertFacts web = facts("0b", "w1", "2027-01-20T08:00:00Z");
    CertFacts files = facts("0c", "f1", "2027-01-10T08:00:00Z");
    CertView mediaView = new CertView("media.hachyderm.io", media, 4, null, 0,
        List.of(node("cdn-1", media, media, media), node("cdn-2", mediaOld, mediaOld, media)),
        List.of("media.hachyderm.io", "files.hachyderm.io"), "shortlived", Instant.parse("2026-11-24T03:12:00Z"), "due at …");
    CertView webView = new CertView("hachyderm.io", web, 2, null, 0, List.of(node("fritz", web, web)),
        List.of("hachyderm.io"), null, Instant.parse("2026-12-30T00:00:00Z"), "valid until …");
    CertView filesView = new CertView("files.example", files, 1, null, 0,
        List.of(new NodeView("sally", null, "connection refused", List.of())), List.of("files.example"), null, null, "expired");
    Finding drift = new Finding(FindingType.DRIFT, "DRIFT:media.hachyderm.io:cdn-2", "media.hachyderm.io", "cdn-2", null,
        "cdn-2 holds serial 09, not the current 0a", "m1");
    Finding unreachable = new Finding(FindingType.UNREACHABLE, "UNREACHABLE:files.example:sally", "files.example", "sally",
        null, "sally: connection refused", null);
    Finding expired = new Finding(FindingType.EXPIRED, "EXPIRED:media.hachyderm.io", "media.hachyderm.io", null, null,
        "media.hachyderm.io: serial 0a expired", "m1");
    InventoryReport report = new InventoryReport(NOW, List.of(webView, filesView, mediaView), List.of(drift, unreachable, expired));

    ExpiryReport.Text text = new ExpiryReport(ZoneId.of("Europe/Berlin")).render(report);

    assertThat(text.summary()).isEqualTo("certfleet expiry report, 2026-11-23 09:00 CET: 3 certificate(s), 3 problem(s)");
    assertThat(text.lines()).containsExactly(
        "",
        "Problems:",
        "- CRITICAL EXPIRED media.hachyderm.io: serial 0a expired",
        "- WARNING DRIFT cdn-2 holds serial 09, not the current 0a",
        "- WARNING UNREACHABLE sally: connection refused",
        "",
        "Certificates:",
        "- ⚠ media.hachyderm.io: 7.0 days left (until 2026-11-30 09:00 CET), v4, issuer Pebble Intermediate CA 1f2e,"
            + " profile shortlived, next renewal 2026-11-24 04:12 CET",
        "  names: media.hachyderm.io, files.hachyderm.io",
        "  cdn-1: deploys current, serves current",
        "  cdn-2: deploys OLD serial 09, serves current on 1/2 (n0.example serves serial 09)",
        "- ⚠ files.example: 48.0 days left (until 2027-01-10 09:00 CET), v1, issuer Pebble Intermediate CA 1f2e,"
            + " profile default, next renewal due now",
        "  names: files.example",
        "  sally: unreachable (connection refused)",
        "- hachyderm.io: 58.0 days left (until 2027-01-20 09:00 CET), v2, issuer Pebble Intermediate CA 1f2e,"
            + " profile default, next renewal 2026-12-30 01:00 CET",
        "  names: hachyderm.io",
        "  fritz: deploys current, serves current");
  }

  @Test
  void findingsBecomeProblemsKeyedAndFingerprintedAndAScanSpeaksOnlyForItsCertificates() {
    Finding f = new Finding(FindingType.EXPIRING, "EXPIRING:media.hachyderm.io:cdn-1:media.hachyderm.io",
        "media.hachyderm.io", "cdn-1", "media.hachyderm.io", "cdn-1 (media.hachyderm.io): serial 0a expires in 9.0 days", "m1");
    List<Problem> p = FindingAlerts.problems(new InventoryReport(NOW, List.of(), List.of(f)));
    assertThat(p).singleElement().satisfies(x -> {
      assertThat(x.key()).isEqualTo(f.key());
      assertThat(x.fingerprint()).isEqualTo("m1");
      assertThat(x.severity()).isEqualTo("warning");
      assertThat(x.summary()).isEqualTo("EXPIRING cdn-1 (media.hachyderm.io): serial 0a expires in 9.0 days");
      assertThat(x.lines()).contains("node: cdn-1", "name: media.hachyderm.io");
    });
    var scope = FindingAlerts.scope(List.of("media.hachyderm.io"));
    assertThat(scope.test(f.key())).isTrue();
    assertThat(scope.test("DRIFT:hachyderm.io:fritz")).isFalse();
    assertThat(scope.test("RENEWAL_FAILING:media.hachyderm.io")).isTrue();
  }
}
