package org.certfleet.cert;

import java.net.IDN;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A DNS name as it appears in a certificate's SANs: lowercase ASCII (internationalized names converted
 * to punycode), no trailing dot, at most one wildcard label and only as the leftmost label.
 *
 * @param value the normalised form, e.g. {@code media.hachyderm.io} or {@code *.hachyderm.io}
 */
public record DnsName(String value) {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

  public DnsName {
    Objects.requireNonNull(value, "value");
    String problem = problem(value);
    if (problem != null) {
      throw new IllegalArgumentException("\"" + value + "\": " + problem);
    }
  }

  /**
   * Normalises and validates {@code text}.
   *
   * @throws IllegalArgumentException naming the value and what is wrong with it
   */
  public static DnsName parse(String text) {
    String ascii;
    String trimmed = text.strip();
    if (trimmed.lastIndexOf('*') > 0 || (trimmed.startsWith("*") && !trimmed.startsWith("*."))) {
      throw new IllegalArgumentException("\"" + text + "\": a wildcard is allowed only as the leftmost label (e.g. *.example.org)");
    }
    try {
      if (trimmed.endsWith(".")) {
        trimmed = trimmed.substring(0, trimmed.length() - 1);
      }
      // IDN.toASCII leaves "*" alone; USE_STD3_ASCII_RULES rejects underscores and other junk.
      ascii =
          trimmed.startsWith("*.")
              ? "*." + IDN.toASCII(trimmed.substring(2), IDN.USE_STD3_ASCII_RULES)
              : IDN.toASCII(trimmed, IDN.USE_STD3_ASCII_RULES);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"" + text + "\": not a valid DNS name (" + e.getMessage() + ")", e);
    }
    return new DnsName(ascii.toLowerCase(Locale.ROOT));
  }

  public boolean isWildcard() {
    return value.startsWith("*.");
  }

  /** The name without its wildcard label: {@code *.a.example} gives {@code a.example}. */
  public DnsName base() {
    return isWildcard() ? new DnsName(value.substring(2)) : this;
  }

  /** True when a certificate for this name covers {@code host} (RFC 6125: wildcard spans one label). */
  public boolean covers(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (!isWildcard()) {
      return value.equals(h);
    }
    int dot = h.indexOf('.');
    return dot > 0 && h.substring(dot + 1).equals(value.substring(2));
  }

  private static String problem(String v) {
    if (v.isEmpty()) {
      return "empty name";
    }
    if (v.length() > 253) {
      return "longer than 253 characters";
    }
    String[] labels = v.split("\\.", -1);
    if (labels.length < 2) {
      return "not a fully qualified name (expected at least two labels, e.g. example.org)";
    }
    for (int i = 0; i < labels.length; i++) {
      String label = labels[i];
      if (label.equals("*")) {
        if (i != 0) {
          return "a wildcard is allowed only as the leftmost label (e.g. *.example.org)";
        }
        continue;
      }
      if (label.contains("*")) {
        return "a wildcard must be a whole label, the leftmost one (e.g. *.example.org)";
      }
      if (label.isEmpty()) {
        return "empty label";
      }
      if (!LABEL.matcher(label).matches()) {
        return "label \"" + label + "\" is not a valid hostname label (letters, digits, inner hyphens; at most 63)";
      }
    }
    if (labels[0].equals("*") && labels.length < 3) {
      return "a wildcard needs at least two labels below it (e.g. *.example.org)";
    }
    return null;
  }

  @Override
  public String toString() {
    return value;
  }
}
