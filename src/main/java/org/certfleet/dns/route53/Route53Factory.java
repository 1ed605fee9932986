package org.certfleet.dns.route53;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.certfleet.config.OptionSpec;
import org.certfleet.config.Secret;
import org.certfleet.config.SecretResolver;
import org.certfleet.dns.DnsProvider;
import org.certfleet.dns.DnsProviderFactory;
import org.certfleet.dns.ProviderOptions;
import org.certfleet.time.Sleeper;
import org.jspecify.annotations.Nullable;

/**
 * Describes and creates {@link Route53Provider}s. Uses no AWS SDK class itself, not even in {@link
 * #create}: loading the SDK costs a noticeable part of a second, which {@code check} must not pay.
 */
public final class Route53Factory implements DnsProviderFactory {
  private static final Pattern ZONE_ID = Pattern.compile("[A-Z0-9]{1,32}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2,}(-[a-z0-9]+)+");

  private final Clock clock;
  private final Sleeper sleeper;

  /** @param clock and {@code sleeper} pace the wait for a change to become INSYNC */
  public Route53Factory(Clock clock, Sleeper sleeper) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  @Override
  public String id() {
    return "route53";
  }

  @Override
  public List<String> aliases() {
    return List.of();
  }

  @Override
  public String description() {
    return "Amazon Route 53 through the AWS SDK for Java v2. A wildcard and its base domain share one TXT name, so"
        + " present reads the record set and UPSERTs it with every current value plus the new one, and cleanUp"
        + " removes only its own value (the record set is deleted with the last one). Each change is awaited until"
        + " Route 53 reports it INSYNC. Credentials: `access-key-id` with `secret-access-key`, else the SDK's default"
        + " chain (environment, `~/.aws` profiles, container and instance roles). The IAM policy needs"
        + " `route53:ListResourceRecordSets`, `route53:ChangeResourceRecordSets` and `route53:GetChange`, plus"
        + " `route53:ListHostedZonesByName` when `hosted-zone-id` is not set.";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.optional("hosted-zone-id", null, "the hosted zone, e.g. Z0123456789ABCDEFGHIJ; else the public"
            + " hosted zone whose name is the longest suffix of the record's name"),
        OptionSpec.optionalSecret("access-key-id", "IAM access key id; set together with secret-access-key, else the"
            + " SDK's default credentials chain is used"),
        OptionSpec.optionalSecret("secret-access-key", "IAM secret access key; set together with access-key-id"),
        OptionSpec.optional("region", "us-east-1", "region requests are signed for; Route 53 is global, so only"
            + " another partition (e.g. cn-north-1) needs a different one"),
        OptionSpec.optional("endpoint", null, "API base URL instead of the region's (https, or http to loopback only)"),
        OptionSpec.optional("ttl", "60", "TTL of the TXT record set, in seconds"),
        OptionSpec.optional("timeout", "30s", "timeout of each API call, its retries included"),
        OptionSpec.optional("propagation-timeout", "120s", "how long a change may take to become INSYNC"),
        OptionSpec.optional("poll-interval", "2s", "how often a pending change is looked at"));
  }

  @Override
  public DnsProvider create(String instance, Map<String, String> values, SecretResolver secrets) {
    ProviderOptions o = new ProviderOptions(instance, id(), values, options());
    @Nullable String zoneId = o.get("hosted-zone-id");
    if (zoneId != null) {
      zoneId = zoneId.replaceFirst("^/?hostedzone/", "");
      if (!ZONE_ID.matcher(zoneId).matches()) {
        throw o.invalid("hosted-zone-id", "\"" + o.get("hosted-zone-id") + "\" is not a hosted zone id (expected e.g."
            + " Z0123456789ABCDEFGHIJ)");
      }
    }
    boolean hasKeyId = o.get("access-key-id") != null;
    boolean hasSecretKey = o.get("secret-access-key") != null;
    if (hasKeyId != hasSecretKey) {
      String missing = hasKeyId ? "secret-access-key" : "access-key-id";
      throw o.invalid(missing, "is required when " + (hasKeyId ? "access-key-id" : "secret-access-key") + " is set");
    }
    String region = o.require("region");
    if (!REGION.matcher(region).matches()) {
      throw o.invalid("region", "\"" + region + "\" is not an AWS region (expected e.g. us-east-1)");
    }
    @Nullable URI endpoint = o.get("endpoint") == null ? null : o.url("endpoint");
    int ttl = o.integer("ttl", 1, 172_800);
    Duration timeout = o.duration("timeout");
    Duration propagationTimeout = o.duration("propagation-timeout");
    Duration pollInterval = o.duration("poll-interval");
    @Nullable Secret keyId = hasKeyId ? o.secret("access-key-id", secrets) : null;
    @Nullable Secret secretKey = hasSecretKey ? o.secret("secret-access-key", secrets) : null;
    return new Route53Provider(new Route53Provider.Settings(instance, zoneId, keyId, secretKey, region, endpoint, ttl,
        timeout, propagationTimeout, pollInterval), clock, sleeper);
  }
}
