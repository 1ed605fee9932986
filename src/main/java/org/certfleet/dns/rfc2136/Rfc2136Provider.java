package org.certfleet.dns.rfc2136;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.certfleet.dns.DnsException;
import org.certfleet.dns.DnsProvider;
import org.certfleet.dns.TxtRecord;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Update;

/**
 * Adds and deletes single TXT values with TSIG-signed RFC 2136 updates. The update goes to the zone
 * configured, else to the zone the record was found in. A response is accepted only with rcode
 * NOERROR and a verified TSIG signature: dnsjava itself does not fail on a bad signature.
 */
final class Rfc2136Provider implements DnsProvider {
  private final String instance;
  private final InetSocketAddress server;
  private final TSIG tsig;
  private final @Nullable Name zone;
  private final int ttl;
  private final Duration timeout;

  Rfc2136Provider(String instance, InetSocketAddress server, TSIG tsig, @Nullable Name zone, int ttl, Duration timeout) {
    this.instance = instance;
    this.server = server;
    this.tsig = tsig;
    this.zone = zone;
    this.ttl = ttl;
    this.timeout = timeout;
  }

  @Override
  public void present(TxtRecord record) throws DnsException {
    Name z = zoneOf(record);
    Update u = new Update(z);
    u.add(txt(record, ttl));
    send(u, z, "add", record);
  }

  @Override
  public void cleanUp(TxtRecord record) throws DnsException {
    Name z = zoneOf(record);
    Update u = new Update(z);
    // Deletes this one value (class NONE), leaving other values on the same name alone.
    u.delete(txt(record, 0));
    send(u, z, "delete", record);
  }

  private Name zoneOf(TxtRecord record) throws DnsException {
    try {
      return zone != null ? zone : Name.fromString(record.zone());
    } catch (TextParseException e) {
      throw new DnsException(prefix() + "bad zone " + record.zone(), e);
    }
  }

  private TXTRecord txt(TxtRecord record, long recordTtl) throws DnsException {
    try {
      return new TXTRecord(Name.fromString(record.fqdn()), DClass.IN, recordTtl, record.value());
    } catch (TextParseException e) {
      throw new DnsException(prefix() + "bad record name " + record.fqdn(), e);
    }
  }

  private void send(Update u, Name z, String what, TxtRecord record) throws DnsException {
    SimpleResolver r = new SimpleResolver(server);
    r.setTCP(true);
    r.setTimeout(timeout);
    r.setTSIGKey(tsig);
    Message resp;
    try {
      resp = r.send(u);
    } catch (IOException e) {
      throw new DnsException(prefix() + what + " of " + record + " in zone " + z + " failed: "
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }
    int rcode = resp.getRcode();
    if (rcode != Rcode.NOERROR) {
      String hint = switch (rcode) {
        case Rcode.NOTAUTH -> " (wrong TSIG key, or the server is not authoritative for the zone)";
        case Rcode.REFUSED -> " (not allowed by the server's update policy)";
        case Rcode.NOTZONE -> " (the record is not inside the zone)";
        default -> "";
      };
      throw new DnsException(prefix() + what + " of " + record + " in zone " + z + " refused: "
          + Rcode.string(rcode) + hint);
    }
    if (!resp.isSigned() || !resp.isVerified()) {
      throw new DnsException(prefix() + what + " of " + record + ": the response's TSIG signature did not verify");
    }
  }

  private String prefix() {
    return "dns provider " + instance + " (rfc2136 " + server.getHostString() + ":" + server.getPort() + "): ";
  }
}
