package org.certfleet.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Answers the questions DNS-01 needs, by asking recursive resolvers directly (no shared cache, so a
 * record changed a moment ago is seen): where does an {@code _acme-challenge} name really live after
 * CNAMEs, which zone holds it, and which servers are authoritative for that zone.
 */
public final class DnsResolution {
  static final int MAX_CNAME_DEPTH = 8;
  private final List<InetSocketAddress> resolvers;
  private final Duration timeout;
  private final int nameserverPort;

  /**
   * @param resolvers recursive resolvers to ask, in order; empty means the system's
   * @param nameserverPort the port authoritative servers are asked on (53 outside tests)
   */
  public DnsResolution(List<InetSocketAddress> resolvers, Duration timeout, int nameserverPort) {
    this.resolvers = resolvers.isEmpty() ? ResolverConfig.getCurrentConfig().servers() : List.copyOf(resolvers);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.nameserverPort = nameserverPort;
  }

  /** Follows CNAMEs from {@code name} to the name that holds the records; a loop or a long chain fails. */
  public Name followCnames(Name name) throws DnsException {
    Set<Name> seen = new LinkedHashSet<>();
    Name current = name;
    while (true) {
      if (!seen.add(current)) {
        throw new DnsException("CNAME loop: " + chain(seen, current));
      }
      if (seen.size() > MAX_CNAME_DEPTH) {
        throw new DnsException("CNAME chain longer than " + MAX_CNAME_DEPTH + ": " + chain(seen, current));
      }
      Message resp = ask(current, Type.CNAME);
      Name next = null;
      for (Record r : resp.getSection(Section.ANSWER)) {
        if (r instanceof CNAMERecord c && c.getName().equals(current)) {
          next = c.getTarget();
        }
      }
      if (next == null) {
        return current;
      }
      current = next;
    }
  }

  /** The apex of the zone that contains {@code name} (the owner of the closest SOA). */
  public Name zoneOf(Name name) throws DnsException {
    Name n = name;
    while (n.labels() > 1) {
      Message resp = ask(n, Type.SOA);
      boolean alias = false;
      for (Record r : resp.getSection(Section.ANSWER)) {
        if (r instanceof SOARecord && r.getName().equals(n)) {
          return n;
        }
        alias |= r instanceof CNAMERecord && r.getName().equals(n);
      }
      if (alias) {
        // The resolver chased the alias, so its SOA is the target's zone; the alias lives above n.
        n = new Name(n, 1);
        continue;
      }
      // NXDOMAIN or NODATA: the authority section carries the enclosing zone's SOA. The root zone
      // answering means the name's domain does not exist: never a zone to publish a challenge in.
      for (Record r : resp.getSection(Section.AUTHORITY)) {
        if (r instanceof SOARecord && r.getName().labels() > 1) {
          return r.getName();
        }
      }
      n = new Name(n, 1);
    }
    throw new DnsException("no zone found for " + name + " (no SOA at or above it)");
  }

  /** The addresses of every authoritative nameserver of {@code zone}. */
  public List<InetSocketAddress> nameservers(Name zone) throws DnsException {
    List<InetSocketAddress> out = new ArrayList<>();
    for (Record r : ask(zone, Type.NS).getSection(Section.ANSWER)) {
      if (r instanceof NSRecord ns) {
        for (Record a : ask(ns.getTarget(), Type.A).getSection(Section.ANSWER)) {
          if (a instanceof ARecord ar) {
            InetAddress addr = ar.getAddress();
            out.add(new InetSocketAddress(addr, nameserverPort));
          }
        }
      }
    }
    if (out.isEmpty()) {
      throw new DnsException("no nameserver addresses found for zone " + zone);
    }
    return out;
  }

  /** Asks one authoritative server directly, recursion off. */
  public Message askAuthoritative(InetSocketAddress server, Name name, int type) throws IOException {
    Message q = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    q.getHeader().unsetFlag(Flags.RD);
    SimpleResolver r = new SimpleResolver(server);
    r.setTimeout(timeout);
    return r.send(q);
  }

  private Message ask(Name name, int type) throws DnsException {
    IOException last = null;
    for (InetSocketAddress server : resolvers) {
      try {
        SimpleResolver r = new SimpleResolver(server);
        r.setTimeout(timeout);
        Message resp = r.send(Message.newQuery(Record.newRecord(name, type, DClass.IN)));
        int rcode = resp.getRcode();
        if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
          return resp;
        }
        last = new IOException(Rcode.string(rcode));
      } catch (IOException e) {
        last = e;
      }
    }
    throw new DnsException("cannot look up " + Type.string(type) + " " + name + " via " + resolvers + ": "
        + (last == null ? "no resolver" : last.getClass().getSimpleName() + " " + last.getMessage()), last);
  }

  private static String chain(Set<Name> seen, Name last) {
    StringBuilder b = new StringBuilder();
    for (Name n : seen) {
      b.append(n).append(" -> ");
    }
    return b.append(last).toString();
  }
}
