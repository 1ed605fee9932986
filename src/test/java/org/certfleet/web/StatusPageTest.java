package org.certfleet.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.certfleet.web.Fleets.NOW;
import static org.certfleet.web.Fleets.cert;
import static org.certfleet.web.Fleets.daysFromNow;
import static org.certfleet.web.Fleets.finding;
import static org.certfleet.web.Fleets.node;
import static org.certfleet.web.Fleets.snapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.certfleet.audit.AuditEntry;
import org.certfleet.inventory.FindingType;
import org.certfleet.inventory.InventoryReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusPageTest {
  /** An expiry cell: class, text marker, days text. */
  static final Pattern CELL = Pattern.compile("<td class=\"(\\w+)\" title=\"[^\"<>]*\"><b>(\\w+)</b> ([^<]*)</td>");

  final StatusPage page = new StatusPage();

  record Cell(String cssClass, String marker, String text) {}

  static List<Cell> cells(String html) {
    List<Cell> out = new ArrayList<>();
    Matcher m = CELL.matcher(html);
    while (m.find()) {
      out.add(new Cell(m.group(1), m.group(2), m.group(3)));
    }
    return out;
  }

  @Test
  void colourClassAndTextMarkerFollowTheDaysLeft() {
    String html = page.render(snapshot(new InventoryReport(NOW, List.of(
        cert("a", 90, node("n-two", "a", 2), node("n-ten", "a", 10), node("n-sixty", "a", 60),
            node("n-gone", "a", -0.5), node("n-old", "a", -3))), List.of())));

    // Columns are the issued version, then the nodes by name: n-gone, n-old, n-sixty, n-ten, n-two.
    assertThat(cells(html)).containsExactly(
        new Cell("ok", "OK", "90 d"),
        new Cell("crit", "CRIT", "expired 12 h ago"),
        new Cell("crit", "CRIT", "expired 3 d ago"),
        new Cell("ok", "OK", "60 d"),
        new Cell("warn", "WARN", "10 d"),
        new Cell("crit", "CRIT", "2 d"));
  }

  @ParameterizedTest
  @CsvSource({
      "-30, CRITICAL", "0, CRITICAL", "3.99, CRITICAL", "4, WARNING", "14.99, WARNING", "15, OK", "60, OK"})
  void levelsAtTheDefaultThresholds(double daysLeft, StatusPage.Level level) {
    assertThat(page.level(NOW, daysFromNow(daysLeft))).isEqualTo(level);
  }

  @Test
  void thresholdsAreConfigurable() {
    StatusPage strict = new StatusPage(7, 30);
    assertThat(strict.level(NOW, daysFromNow(7.5))).isEqualTo(StatusPage.Level.CRITICAL);
    assertThat(strict.level(NOW, daysFromNow(20))).isEqualTo(StatusPage.Level.WARNING);
    assertThat(strict.render(Fleets.fleet())).contains("CRIT: 7 days or less, or expired; WARN: 30 days or less");
    assertThatThrownBy(() -> new StatusPage(14, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("status page thresholds: critical days (14) must be at least 0 and below warning days (3)");
  }

  @Test
  void aNodeServingSeveralNamesShowsTheEarliest() {
    String html = page.render(snapshot(new InventoryReport(NOW, List.of(
        cert("a", 90, node("n1", "a", 60, 2, 30))), List.of())));

    assertThat(cells(html)).contains(new Cell("crit", "CRIT", "2 d")).hasSize(2);
  }

  @Test
  void hostileNamesAreEscapedEverywhere() {
    String evilCert = "<script>alert('c')</script>";
    String evilNode = "\"><img src=x onerror=alert(1)>";
    StatusSnapshot s = new StatusSnapshot(NOW, true, "db <b>down</b> & out", null, null, false, Duration.ofHours(1),
        new InventoryReport(NOW, List.of(cert(evilCert, 30, node(evilNode, evilCert, 30))),
            List.of(finding(FindingType.DRIFT, evilCert, evilNode, "serves <i>old</i> & \"stale\""))),
        List.of(new JobStatus("<job>", NOW, "<ok>", null)),
        List.of(new AuditEntry(NOW, "<act>", evilCert, evilNode, "/x/<y>", null, "'to'", null, "<res>")));

    String html = page.render(s);

    assertThat(html)
        .doesNotContain("<script").doesNotContain("<img").doesNotContain("<b>down").doesNotContain("<i>")
        .doesNotContain("<job>").doesNotContain("<ok>").doesNotContain("<act>").doesNotContain("<res>")
        .doesNotContain("<y>").doesNotContain("'to'")
        .contains("&lt;script&gt;alert(&#39;c&#39;)&lt;/script&gt;")
        .contains("<th>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</th>")
        .contains("db &lt;b&gt;down&lt;/b&gt; &amp; out")
        .contains("serves &lt;i&gt;old&lt;/i&gt; &amp; &quot;stale&quot;");
    // The only markup is the page's own: every tag name comes from a fixed set.
    Matcher tags = Pattern.compile("<(/?)([a-zA-Z0-9!]+)").matcher(html);
    while (tags.find()) {
      assertThat(tags.group(2)).isIn("!DOCTYPE", "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "span",
          "div", "table", "thead", "tbody", "tr", "th", "td", "b", "time");
    }
  }

  @Test
  void findingsWorstFirstThenByTypeAndKey() {
    String html = page.render(Fleets.fleet());

    String findings = html.substring(html.indexOf("<table class=\"findings\">"));
    findings = findings.substring(0, findings.indexOf("</table>"));
    Matcher row = Pattern.compile("<tr><td class=\"\\w+\">(\\w+)</td><td>(\\w+)</td><td>([^<]+)</td>").matcher(findings);
    List<String> rows = new ArrayList<>();
    while (row.find()) {
      rows.add(row.group(1) + " " + row.group(2) + " " + row.group(3));
    }
    assertThat(rows).containsExactly(
        "critical EXPIRED EXPIRED:media.hachyderm.io:cdn-fremont-1",
        "critical KEY_MISMATCH KEY_MISMATCH:media.hachyderm.io:sally",
        "warning EXPIRING EXPIRING:hachyderm.io:esme",
        "warning UNREACHABLE UNREACHABLE:files.hachyderm.io:sally",
        "info UNKNOWN_CERT UNKNOWN_CERT:files.hachyderm.io:esme");
  }

  @Test
  void gridHasEveryNodeAndMarksCellsWithoutAnAnswer() {
    String html = page.render(Fleets.fleet());

    assertThat(html).contains("<th>certificate</th><th>issued</th><th>cdn-frankfurt-1</th><th>cdn-fremont-1</th>"
        + "<th>esme</th><th>sally</th>");
    // files.hachyderm.io is not on cdn-frankfurt-1; sally could not be reached for it.
    assertThat(html).contains("<tr><td>files.hachyderm.io</td><td class=\"ok\"")
        .contains("<td class=\"none\">&ndash;</td>")
        .contains("<td class=\"unknown\" title=\"unreachable: connect timed out after 10 s\">? not probed</td>");
  }

  @Test
  void auditNewestFirstAndAtMostTwenty() {
    String html = page.render(Fleets.fleet());

    String audit = html.substring(html.indexOf("<table class=\"audit\">"));
    Matcher times = Pattern.compile("<tr><td><time datetime=\"([^\"]+)\">").matcher(audit);
    List<String> seen = new ArrayList<>();
    while (times.find()) {
      seen.add(times.group(1));
    }
    assertThat(seen).hasSize(StatusPage.AUDIT_ROWS)
        .startsWith(NOW.toString(), NOW.minusSeconds(3600).toString())
        .endsWith(NOW.minusSeconds(19 * 3600).toString());
    assertThat(audit).contains("<td class=\"bad\">exit 1: nginx: [emerg] bad config</td>");
  }

  @Test
  void jobsAndCycleTimes() {
    String html = page.render(Fleets.fleet());

    assertThat(html)
        .contains("Last cycle: started <time datetime=\"2026-11-22T09:45:00Z\">2026-11-22 09:45:00Z</time> (15 min ago),"
            + " finished <time datetime=\"2026-11-22T09:47:00Z\">2026-11-22 09:47:00Z</time> (13 min ago), OK.")
        .contains("<tr><td>renew</td><td><time datetime=\"2026-11-22T09:45:00Z\">2026-11-22 09:45:00Z</time>"
            + " <span class=\"muted\">(15 min ago)</span></td><td class=\"wrap\">ok: 1 renewed, 2 not due</td>"
            + "<td><time datetime=\"2026-11-22T15:45:00Z\">2026-11-22 15:45:00Z</time>"
            + " <span class=\"muted\">(in 5 h 45 min)</span></td></tr>")
        .contains("<tr><td>digest</td><td>never</td><td class=\"wrap\">–</td><td>not scheduled</td></tr>");
  }

  @Test
  void beforeTheFirstCycleAndInventory() {
    String html = page.render(new StatusSnapshot(NOW, false, null, null, null, false, Duration.ofHours(1), null,
        List.of(), List.of()));

    assertThat(html).contains("Scheduler: <span class=\"bad\">NOT RUNNING</span>")
        .contains("Last cycle: none yet.")
        .contains("Ready: <span class=\"bad\">no</span>, no cycle has finished since the daemon started.")
        .contains("<h2>Certificates</h2>\n<p>No inventory yet.</p>");
  }

  @Test
  void aPhoneCanReadIt() {
    String html = page.render(Fleets.fleet());

    assertThat(html).startsWith("<!DOCTYPE html>")
        .contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .contains(".scroll{overflow-x:auto;max-width:100%}")
        .doesNotContain("<script").doesNotContain("<link").doesNotContain("http://").doesNotContain("https://");
  }
}
