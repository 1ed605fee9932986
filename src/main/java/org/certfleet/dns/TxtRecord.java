package org.certfleet.dns;

import java.time.Duration;
import java.util.Objects;

/**
 * One TXT value to publish.
 *
 * @param fqdn the effective name after following CNAMEs, absolute with a trailing dot, e.g.
 *     {@code _acme-challenge.media.acme-delegation.net.}
 * @param zone the apex of the zone that holds {@code fqdn}, absolute with a trailing dot
 */
public record TxtRecord(String fqdn, String zone, String value, Duration ttl) {
  public TxtRecord {
    Objects.requireNonNull(fqdn, "fqdn");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(ttl, "ttl");
    if (!fqdn.endsWith(".") || !zone.endsWith(".")) {
      throw new IllegalArgumentException("names must be absolute (end with a dot): " + fqdn + " in " + zone);
    }
  }

  @Override
  public String toString() {
    return "TXT " + fqdn + " \"" + value + "\"";
  }
}
