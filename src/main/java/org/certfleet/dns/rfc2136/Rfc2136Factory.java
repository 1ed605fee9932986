package org.certfleet.dns.rfc2136;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.certfleet.config.OptionSpec;
import org.certfleet.config.SecretResolver;
import org.certfleet.dns.DnsProvider;
import org.certfleet.dns.DnsProviderFactory;
import org.certfleet.dns.ProviderOptions;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;

/** Describes and creates {@link Rfc2136Provider}s. */
public final class Rfc2136Factory implements DnsProviderFactory {
  static final Map<String, Name> ALGORITHMS = Map.of(
      "hmac-sha256", TSIG.HMAC_SHA256,
      "hmac-sha384", TSIG.HMAC_SHA384,
      "hmac-sha512", TSIG.HMAC_SHA512,
      "hmac-sha1", TSIG.HMAC_SHA1);

  @Override
  public String id() {
    return "rfc2136";
  }

  @Override
  public List<String> aliases() {
    return List.of("nsupdate");
  }

  @Override
  public String description() {
    return "Dynamic DNS updates (RFC 2136) signed with a TSIG key, sent over TCP to the zone's primary server"
        + " (BIND, Knot, PowerDNS). Restrict the key to TXT records, e.g. BIND's"
        + " `update-policy { grant KEY zonesub TXT; };`.";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.required("server", "IPv4 address of the primary nameserver, optionally with :port (default 53)"),
        OptionSpec.required("tsig-key-name", "name of the TSIG key, e.g. certfleet-acme."),
        OptionSpec.optional("tsig-algorithm", "hmac-sha256", "one of hmac-sha256, hmac-sha384, hmac-sha512, hmac-sha1"),
        OptionSpec.requiredSecret("tsig-secret", "the TSIG key's base64 secret"),
        OptionSpec.optional("zone", null, "zone to update; found from the record's name (SOA) when not set"),
        OptionSpec.optional("ttl", "60", "TTL of the TXT records, in seconds"),
        OptionSpec.optional("timeout", "10s", "timeout of each update"));
  }

  @Override
  public DnsProvider create(String instance, Map<String, String> values, SecretResolver secrets) {
    ProviderOptions o = new ProviderOptions(instance, id(), values, options());
    InetSocketAddress server = o.hostPort("server", 53);
    Name keyName;
    try {
      keyName = Name.fromString(o.require("tsig-key-name"), Name.root);
    } catch (TextParseException e) {
      throw o.invalid("tsig-key-name", "\"" + o.require("tsig-key-name") + "\" is not a DNS name");
    }
    String alg = o.require("tsig-algorithm").toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
    Name algorithm = ALGORITHMS.get(alg);
    if (algorithm == null) {
      throw o.invalid("tsig-algorithm", "\"" + o.require("tsig-algorithm") + "\" is not one of hmac-sha256, hmac-sha384,"
          + " hmac-sha512, hmac-sha1");
    }
    String secret = o.secret("tsig-secret", secrets).reveal();
    try {
      Base64.getDecoder().decode(secret.strip());
    } catch (IllegalArgumentException e) {
      throw o.invalid("tsig-secret", "the referenced value is not base64");
    }
    @Nullable String zone = o.get("zone");
    Name zoneName = null;
    if (zone != null) {
      try {
        zoneName = Name.fromString(zone, Name.root);
      } catch (TextParseException e) {
        throw o.invalid("zone", "\"" + zone + "\" is not a DNS name");
      }
    }
    int ttl = o.integer("ttl", 1, 86_400);
    Duration timeout = o.duration("timeout");
    return new Rfc2136Provider(instance, server, new TSIG(algorithm, keyName, secret.strip()), zoneName, ttl, timeout);
  }
}
