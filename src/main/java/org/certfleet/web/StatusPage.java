package org.certfleet.web;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.certfleet.audit.AuditEntry;
import org.certfleet.cert.CertFacts;
import org.certfleet.inventory.Finding;
import org.certfleet.inventory.InventoryReport;
import org.certfleet.inventory.InventoryReport.CertView;
import org.certfleet.inventory.InventoryReport.NodeView;
import org.certfleet.inventory.InventoryReport.ServedView;
import org.certfleet.inventory.Severity;
import org.jspecify.annotations.Nullable;

/**
 * Renders a {@link StatusSnapshot} as one self-contained HTML5 page: inline CSS, no scripts, no
 * external assets (the server's Content-Security-Policy forbids them), readable on a phone (the tables
 * scroll sideways, the certificate column stays put).
 *
 * <p>The grid shows, per certificate and node, the days left on what the node <em>serves</em> (the
 * earliest notAfter when it serves several names), and the store's current version in the {@code issued}
 * column. A cell is critical when that is at most {@code criticalDays} (or expired), warning when at most
 * {@code warningDays}, ok otherwise; days are whole days left, rounded down. Each level has a text marker
 * as well as a colour. Every value from the snapshot is HTML-escaped. Stateless and thread-safe.
 */
public final class StatusPage {
  public static final int DEFAULT_CRITICAL_DAYS = 3;
  public static final int DEFAULT_WARNING_DAYS = 14;
  /** How many audit entries the page shows, newest first. */
  static final int AUDIT_ROWS = 20;

  // Cell backgrounds; StatusPageIT looks for exactly these in a screenshot. Text on each meets WCAG AA.
  static final int CRITICAL_RGB = 0xc62828;
  static final int WARNING_RGB = 0xffb300;
  static final int OK_RGB = 0x2e7d32;

  /** Worst first, then by type, then by key, so the same findings always appear in the same order. */
  static final Comparator<Finding> WORST_FIRST = Comparator.comparing(Finding::severity).reversed()
      .thenComparing(Finding::type)
      .thenComparing(Finding::key);

  private static final String CSS = """
      :root{color-scheme:light}
      body{margin:0;padding:12px;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff}
      h1{font-size:1.3em;margin:0 0 6px}
      h2{font-size:1.1em;margin:20px 0 6px}
      p{margin:4px 0}
      .scroll{overflow-x:auto;max-width:100%%}
      table{border-collapse:collapse;font-size:13px}
      th,td{border:1px solid #bbb;padding:4px 6px;text-align:left;white-space:nowrap;vertical-align:top}
      th{background:#eee}
      td.wrap{white-space:normal;min-width:14em}
      .grid th:first-child,.grid td:first-child{position:sticky;left:0;background:#eee}
      .crit{background:#%06x;color:#fff}
      .warn{background:#%06x;color:#000}
      .ok{background:#%06x;color:#fff}
      .unknown{background:#ddd;color:#000}
      .none{color:#666}
      .info{background:#e3f2fd;color:#000}
      .bad{color:#b71c1c;font-weight:bold}
      .muted{color:#666}
      """.formatted(CRITICAL_RGB, WARNING_RGB, OK_RGB);

  private final int criticalDays;
  private final int warningDays;

  /** With {@value #DEFAULT_CRITICAL_DAYS} critical days and {@value #DEFAULT_WARNING_DAYS} warning days. */
  public StatusPage() {
    this(DEFAULT_CRITICAL_DAYS, DEFAULT_WARNING_DAYS);
  }

  /** @throws IllegalArgumentException unless {@code 0 <= criticalDays < warningDays} */
  public StatusPage(int criticalDays, int warningDays) {
    if (criticalDays < 0 || warningDays <= criticalDays) {
      throw new IllegalArgumentException("status page thresholds: critical days (" + criticalDays
          + ") must be at least 0 and below warning days (" + warningDays + ")");
    }
    this.criticalDays = criticalDays;
    this.warningDays = warningDays;
  }

  /** How urgent a certificate is; {@code cssClass} is also the grid cell's class, {@code marker} its text. */
  enum Level {
    CRITICAL("crit", "CRIT"),
    WARNING("warn", "WARN"),
    OK("ok", "OK");

    final String cssClass;
    final String marker;

    Level(String cssClass, String marker) {
      this.cssClass = cssClass;
      this.marker = marker;
    }
  }

  Level level(Instant now, Instant notAfter) {
    long secondsLeft = Duration.between(now, notAfter).getSeconds();
    long daysLeft = Math.floorDiv(secondsLeft, 86_400L);
    if (secondsLeft <= 0 || daysLeft <= criticalDays) {
      return Level.CRITICAL;
    }
    return daysLeft <= warningDays ? Level.WARNING : Level.OK;
  }

  public String render(StatusSnapshot s) {
    StringBuilder h = new StringBuilder(8192);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>certfleet status</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n")
        .append("<h1>certfleet status</h1>\n");
    summary(h, s);
    grid(h, s);
    findings(h, s.inventory());
    jobs(h, s);
    audit(h, s.recentAudit());
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  private void summary(StringBuilder h, StatusSnapshot s) {
    h.append("<p>As of ").append(time(s.now())).append(". Scheduler: ")
        .append(s.schedulerRunning() ? "running" : "<span class=\"bad\">NOT RUNNING</span>").append(".</p>\n");
    String degraded = s.degraded();
    if (degraded != null) {
      h.append("<p class=\"bad\">Degraded: ").append(e(degraded)).append("</p>\n");
    }
    h.append("<p>Last cycle: ");
    Instant started = s.lastCycleStarted();
    if (started == null) {
      h.append("none yet");
    } else {
      h.append("started ").append(time(started)).append(" (").append(e(HumanTime.relative(s.now(), started)))
          .append(")");
    }
    Instant finished = s.lastCycleFinished();
    if (finished != null) {
      h.append(", finished ").append(time(finished)).append(" (").append(e(HumanTime.relative(s.now(), finished)))
          .append("), ").append(s.lastCycleOk() ? "OK" : "<span class=\"bad\">FAILED</span>");
    }
    h.append(".</p>\n");
    String notReady = s.notReadyBecause();
    h.append("<p>Ready: ").append(notReady == null ? "yes" : "<span class=\"bad\">no</span>, " + e(notReady))
        .append(".</p>\n");
  }

  private void grid(StringBuilder h, StatusSnapshot s) {
    h.append("<h2>Certificates</h2>\n");
    InventoryReport report = s.inventory();
    if (report == null) {
      h.append("<p>No inventory yet.</p>\n");
      return;
    }
    h.append("<p class=\"muted\">Days left on what each node serves, as of the inventory at ").append(time(report.at()))
        .append(". CRIT: ").append(criticalDays).append(" days or less, or expired; WARN: ").append(warningDays)
        .append(" days or less; OK: more.</p>\n");
    SortedSet<String> nodes = new TreeSet<>();
    report.certificates().forEach(c -> c.nodes().forEach(n -> nodes.add(n.node())));
    h.append("<div class=\"scroll\"><table class=\"grid\">\n<thead><tr><th>certificate</th><th>issued</th>");
    nodes.forEach(n -> h.append("<th>").append(e(n)).append("</th>"));
    h.append("</tr></thead>\n<tbody>\n");
    for (CertView c : report.certificates()) {
      h.append("<tr><td>").append(e(c.cert())).append("</td>");
      CertFacts issued = c.issued();
      if (issued == null) {
        h.append("<td class=\"unknown\">never issued</td>");
      } else {
        expiryCell(h, s.now(), issued.notAfter(), "version " + c.version() + ", " + issued.subject());
      }
      for (String node : nodes) {
        Optional<NodeView> view = c.nodes().stream().filter(n -> n.node().equals(node)).findFirst();
        if (view.isEmpty()) {
          h.append("<td class=\"none\">&ndash;</td>");
        } else {
          servedCell(h, s.now(), view.get());
        }
      }
      h.append("</tr>\n");
    }
    h.append("</tbody>\n</table></div>\n");
  }

  private void servedCell(StringBuilder h, Instant now, NodeView node) {
    Optional<ServedView> earliest = node.served().stream()
        .filter(v -> v.leaf() != null)
        .min(Comparator.comparing(v -> Objects.requireNonNull(v.leaf()).notAfter()));
    if (earliest.isPresent()) {
      ServedView v = earliest.get();
      expiryCell(h, now, Objects.requireNonNull(v.leaf()).notAfter(), v.name() + " at " + v.endpoint());
    } else if (!node.served().isEmpty()) {
      ServedView v = node.served().get(0);
      h.append("<td class=\"unknown\" title=\"").append(e(v.name() + ": " + Objects.toString(v.error(), "no answer")))
          .append("\">? no answer</td>");
    } else {
      h.append("<td class=\"unknown\" title=\"")
          .append(e(node.unreachable() == null ? "nothing probed" : "unreachable: " + node.unreachable()))
          .append("\">? not probed</td>");
    }
  }

  private void expiryCell(StringBuilder h, Instant now, Instant notAfter, String about) {
    Level level = level(now, notAfter);
    Duration left = Duration.between(now, notAfter);
    long days = Math.floorDiv(left.abs().getSeconds(), 86_400L);
    String text;
    if (left.isNegative() || left.isZero()) {
      text = "expired " + (days == 0 ? HumanTime.duration(left) : days + " d") + " ago";
    } else {
      text = days + " d";
    }
    h.append("<td class=\"").append(level.cssClass).append("\" title=\"")
        .append(e(about + ", not after " + HumanTime.instant(notAfter))).append("\"><b>").append(level.marker)
        .append("</b> ").append(e(text)).append("</td>");
  }

  private void findings(StringBuilder h, @Nullable InventoryReport report) {
    h.append("<h2>Findings</h2>\n");
    if (report == null) {
      h.append("<p>No inventory yet.</p>\n");
      return;
    }
    if (report.findings().isEmpty()) {
      h.append("<p>None.</p>\n");
      return;
    }
    h.append("<div class=\"scroll\"><table class=\"findings\">\n")
        .append("<thead><tr><th>severity</th><th>type</th><th>key</th><th>message</th></tr></thead>\n<tbody>\n");
    for (Finding f : report.findings().stream().sorted(WORST_FIRST).toList()) {
      h.append("<tr><td class=\"").append(severityClass(f.severity())).append("\">").append(e(f.severity().label()))
          .append("</td><td>").append(e(f.type().name())).append("</td><td>").append(e(f.key()))
          .append("</td><td class=\"wrap\">").append(e(f.message())).append("</td></tr>\n");
    }
    h.append("</tbody>\n</table></div>\n");
  }

  private static String severityClass(Severity s) {
    return switch (s) {
      case CRITICAL -> Level.CRITICAL.cssClass;
      case WARNING -> Level.WARNING.cssClass;
      case INFO -> "info";
    };
  }

  private void jobs(StringBuilder h, StatusSnapshot s) {
    h.append("<h2>Jobs</h2>\n");
    if (s.jobs().isEmpty()) {
      h.append("<p>No jobs scheduled.</p>\n");
      return;
    }
    h.append("<div class=\"scroll\"><table class=\"jobs\">\n")
        .append("<thead><tr><th>job</th><th>last run</th><th>outcome</th><th>next run</th></tr></thead>\n<tbody>\n");
    for (JobStatus j : s.jobs()) {
      h.append("<tr><td>").append(e(j.name())).append("</td><td>").append(when(s.now(), j.lastRun(), "never"))
          .append("</td><td class=\"wrap\">").append(e(Objects.toString(j.lastOutcome(), "–")))
          .append("</td><td>").append(when(s.now(), j.nextRun(), "not scheduled")).append("</td></tr>\n");
    }
    h.append("</tbody>\n</table></div>\n");
  }

  private void audit(StringBuilder h, List<AuditEntry> entries) {
    h.append("<h2>Recent changes on nodes</h2>\n");
    if (entries.isEmpty()) {
      h.append("<p>None recorded.</p>\n");
      return;
    }
    h.append("<div class=\"scroll\"><table class=\"audit\">\n<thead><tr><th>time</th><th>node</th><th>cert</th>")
        .append("<th>action</th><th>result</th><th>detail</th></tr></thead>\n<tbody>\n");
    List<AuditEntry> newest = entries.stream()
        .sorted(Comparator.comparing(AuditEntry::time).reversed())
        .limit(AUDIT_ROWS)
        .toList();
    for (AuditEntry a : newest) {
      String detail = a.file() != null ? a.file() : Objects.toString(a.command(), "");
      if (a.to() != null) {
        detail += " → " + a.to();
      }
      h.append("<tr><td>").append(time(a.time())).append("</td><td>").append(e(a.node())).append("</td><td>")
          .append(e(a.cert())).append("</td><td>").append(e(a.action())).append("</td><td")
          .append("ok".equals(a.result()) ? ">" : " class=\"bad\">").append(e(a.result()))
          .append("</td><td class=\"wrap\">").append(e(detail)).append("</td></tr>\n");
    }
    h.append("</tbody>\n</table></div>\n");
  }

  private static String when(Instant now, @Nullable Instant t, String ifNone) {
    return t == null ? e(ifNone) : time(t) + " <span class=\"muted\">(" + e(HumanTime.relative(now, t)) + ")</span>";
  }

  private static String time(Instant t) {
    return "<time datetime=\"" + t + "\">" + HumanTime.instant(t) + "</time>";
  }

  /** Escapes for both element content and quoted attribute values. */
  static String e(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
