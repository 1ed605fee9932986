package org.certfleet.inventory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.certfleet.cert.CertFacts;
import org.certfleet.inventory.InventoryReport.CertView;
import org.certfleet.inventory.InventoryReport.NodeView;
import org.certfleet.inventory.InventoryReport.ServedView;
import org.jspecify.annotations.Nullable;

/**
 * The expiry report: every certificate with its names, days left, issuer and profile, next renewal,
 * and per node whether it deploys and serves the current version — problems first, then the
 * certificates with a problem, then the rest by days left. Plain text lines; each chat channel splits
 * them to its own limits.
 */
public final class ExpiryReport {
  private final ZoneId zone;

  /** @param zone the time zone dates are shown in (the schedule's) */
  public ExpiryReport(ZoneId zone) {
    this.zone = zone;
  }

  /** A heading line and the lines under it. */
  public record Text(String summary, List<String> lines) {
    public Text {
      lines = List.copyOf(lines);
    }

    public String plain() {
      StringBuilder b = new StringBuilder(summary);
      lines.forEach(l -> b.append('\n').append(l));
      return b.toString();
    }
  }

  public Text render(InventoryReport report) {
    DateTimeFormatter fmt = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT).withZone(zone);
    Instant at = report.at();
    List<Finding> findings = new ArrayList<>(report.findings());
    findings.sort(Comparator.comparing(Finding::severity).reversed());
    Set<String> troubled = new HashSet<>();
    findings.forEach(f -> troubled.add(f.cert()));

    String summary = "certfleet expiry report, " + fmt.format(at) + ": " + report.certificates().size()
        + " certificate(s), " + (findings.isEmpty() ? "no problems" : findings.size() + " problem(s)");
    List<String> lines = new ArrayList<>();
    if (!findings.isEmpty()) {
      lines.add("");
      lines.add("Problems:");
      for (Finding f : findings) {
        lines.add("- " + f.severity().label().toUpperCase(Locale.ROOT) + " " + f.type() + " " + f.message());
      }
    }
    List<CertView> certs = new ArrayList<>(report.certificates());
    certs.sort(Comparator.comparing((CertView c) -> !troubled.contains(c.cert()))
        .thenComparing(c -> c.issued() == null ? Instant.MIN : c.issued().notAfter())
        .thenComparing(CertView::cert));
    lines.add("");
    lines.add("Certificates:");
    for (CertView c : certs) {
      CertFacts issued = c.issued();
      StringBuilder head = new StringBuilder("- ").append(troubled.contains(c.cert()) ? "⚠ " : "").append(c.cert())
          .append(": ");
      if (issued == null) {
        head.append("never issued");
      } else {
        head.append(daysLeft(issued, at)).append(" (until ").append(fmt.format(issued.notAfter())).append(")")
            .append(", v").append(c.version()).append(", issuer ").append(commonName(issued.issuer()));
      }
      head.append(", profile ").append(c.profile() == null ? "default" : c.profile());
      head.append(", next renewal ").append(c.nextRenewal() == null ? "due now" : fmt.format(c.nextRenewal()));
      lines.add(head.toString());
      if (!c.names().isEmpty()) {
        lines.add("  names: " + String.join(", ", c.names()));
      }
      for (NodeView n : c.nodes()) {
        lines.add("  " + n.node() + ": " + nodeState(n, issued));
      }
    }
    return new Text(summary, lines);
  }

  private static String nodeState(NodeView n, @Nullable CertFacts current) {
    if (n.unreachable() != null) {
      return "unreachable (" + n.unreachable() + ")";
    }
    String deployed;
    if (n.deployed() == null || n.deployed().cert() == null) {
      deployed = "deploys nothing";
    } else if (current != null && current.sha256().equals(n.deployed().cert().sha256())) {
      deployed = "deploys current";
    } else {
      deployed = "deploys OLD serial " + n.deployed().cert().serial();
    }
    int ok = 0;
    List<String> off = new ArrayList<>();
    for (ServedView s : n.served()) {
      if (s.leaf() != null && current != null && current.sha256().equals(s.leaf().sha256())) {
        ok++;
      } else {
        off.add(s.name() + (s.leaf() == null ? " unreachable" : " serves serial " + s.leaf().serial()));
      }
    }
    String served = off.isEmpty() ? "serves current" : "serves current on " + ok + "/" + n.served().size()
        + " (" + String.join("; ", off) + ")";
    return deployed + ", " + served;
  }

  private static String daysLeft(CertFacts f, Instant at) {
    Duration left = Duration.between(at, f.notAfter());
    return left.isNegative() || left.isZero() ? "EXPIRED"
        : String.format(Locale.ROOT, "%.1f days left", left.toMinutes() / 1440.0);
  }

  /** The CN of a distinguished name (RFC 4514 text), else the whole name. */
  static String commonName(String dn) {
    try {
      List<Rdn> rdns = new LdapName(dn).getRdns();
      for (int i = rdns.size() - 1; i >= 0; i--) {
        if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
          return String.valueOf(rdns.get(i).getValue());
        }
      }
    } catch (InvalidNameException e) {
      // not RFC 4514 text: show it whole
    }
    return dn;
  }
}
