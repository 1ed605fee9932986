package org.certfleet.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.certfleet.time.Sleeper;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Waits until every TXT record is answered by every authoritative nameserver of its zone. Asking the
 * authoritative servers directly (recursion off) sees a record as soon as the CA can, with no cache
 * in between; a fixed sleep would be either too long or too short.
 */
public final class PropagationCheck {
  private final DnsResolution dns;
  private final Clock clock;
  private final Sleeper sleeper;

  public PropagationCheck(DnsResolution dns, Clock clock, Sleeper sleeper) {
    this.dns = Objects.requireNonNull(dns, "dns");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /**
   * Returns when all records are visible everywhere.
   *
   * @throws DnsException naming each record still missing and the nameserver that lacks it
   */
  public void awaitVisible(List<TxtRecord> records, Duration timeout, Duration interval)
      throws DnsException, InterruptedException {
    Instant deadline = clock.instant().plus(timeout);
    Map<String, Pending> pending = new LinkedHashMap<>();
    for (TxtRecord r : records) {
      for (InetSocketAddress ns : dns.nameservers(name(r.zone()))) {
        pending.put(r.fqdn() + "|" + r.value() + "|" + ns, new Pending(r, ns));
      }
    }
    while (true) {
      pending.values().removeIf(this::visible);
      if (pending.isEmpty()) {
        return;
      }
      Instant now = clock.instant();
      if (!now.isBefore(deadline)) {
        List<String> missing = new ArrayList<>();
        for (Pending p : pending.values()) {
          missing.add(p.record + " not visible on " + p.ns.getAddress().getHostAddress() + ":" + p.ns.getPort());
        }
        throw new DnsException(String.join("; ", missing) + " after " + timeout.toSeconds() + " s");
      }
      Duration left = Duration.between(now, deadline);
      sleeper.sleep(interval.compareTo(left) > 0 ? left : interval);
    }
  }

  private boolean visible(Pending p) {
    try {
      Message resp = dns.askAuthoritative(p.ns, name(p.record.fqdn()), Type.TXT);
      for (Record r : resp.getSection(Section.ANSWER)) {
        if (r instanceof TXTRecord t && t.getStrings().contains(p.record.value())) {
          return true;
        }
      }
      return false;
    } catch (IOException | DnsException e) {
      return false;
    }
  }

  static Name name(String absolute) throws DnsException {
    try {
      return Name.fromString(absolute);
    } catch (TextParseException e) {
      throw new DnsException("not a DNS name: " + absolute, e);
    }
  }

  private record Pending(TxtRecord record, InetSocketAddress ns) {}
}
