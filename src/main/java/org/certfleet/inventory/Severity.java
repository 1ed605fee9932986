package org.certfleet.inventory;

import java.util.Locale;

/** How bad a finding is; ordered, so {@code --fail-on warning} also fails on critical. */
public enum Severity {
  INFO,
  WARNING,
  CRITICAL;

  public boolean atLeast(Severity other) {
    return compareTo(other) >= 0;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
