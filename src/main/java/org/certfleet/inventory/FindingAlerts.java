package org.certfleet.inventory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.certfleet.alert.Problem;

/** Turns an inventory's findings into the problems the alert book tracks. */
public final class FindingAlerts {
  private FindingAlerts() {}

  public static List<Problem> problems(InventoryReport report) {
    List<Problem> out = new ArrayList<>();
    for (Finding f : report.findings()) {
      List<String> lines = new ArrayList<>();
      lines.add("certificate: " + f.cert());
      if (f.node() != null) {
        lines.add("node: " + f.node());
      }
      if (f.name() != null) {
        lines.add("name: " + f.name());
      }
      lines.add("finding: " + f.key());
      out.add(new Problem(f.key(), f.sha256(), f.severity().label(), f.type() + " " + f.message(), lines));
    }
    return out;
  }

  /**
   * The finding keys a scan of {@code certs} can speak for: those about one of them ({@code TYPE:cert…}),
   * so scanning one certificate never resolves another's problems.
   */
  public static Predicate<String> scope(Collection<String> certs) {
    Set<String> names = Set.copyOf(certs);
    return key -> {
      String[] parts = key.split(":", 3);
      return parts.length >= 2 && names.contains(parts[1]);
    };
  }
}
