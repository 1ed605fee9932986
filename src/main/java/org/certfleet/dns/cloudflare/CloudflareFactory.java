package org.certfleet.dns.cloudflare;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.certfleet.config.OptionSpec;
import org.certfleet.config.Secret;
import org.certfleet.config.SecretResolver;
import org.certfleet.dns.DnsProvider;
import org.certfleet.dns.DnsProviderFactory;
import org.certfleet.dns.ProviderOptions;
import org.jspecify.annotations.Nullable;

/** Describes and creates {@link CloudflareProvider}s. */
public final class CloudflareFactory implements DnsProviderFactory {
  private static final Pattern ZONE_ID = Pattern.compile("[0-9a-f]{32}");
  /** Printable ASCII without spaces: anything else cannot go into an HTTP header. */
  private static final Pattern TOKEN = Pattern.compile("\\p{Graph}+");
  private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  @Override
  public String id() {
    return "cloudflare";
  }

  @Override
  public List<String> aliases() {
    return List.of();
  }

  @Override
  public String description() {
    return "Cloudflare's API v4 with an API token (Bearer). present creates one TXT record per value (Cloudflare's"
        + " \"identical record already exists\", error 81058, counts as done); cleanUp looks the record up by name"
        + " and content and deletes only that one, so a wildcard and its base domain can share a name. Create the"
        + " token with Zone:DNS:Edit on the zone, plus Zone:Zone:Read when `zone-id` is not set.";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.requiredSecret("api-token", "the API token"),
        OptionSpec.optional("zone-id", null, "the zone's id (32 hex digits); else the zone is found by name, from the"
            + " record's name upwards"),
        OptionSpec.optional("base-url", "https://api.cloudflare.com/client/v4", "API base URL (https, or http to"
            + " loopback only)"),
        OptionSpec.optional("ttl", "120", "TTL of the TXT records in seconds, 60 to 86400; 1 means automatic"),
        OptionSpec.optional("timeout", "30s", "timeout of each API request"));
  }

  @Override
  public DnsProvider create(String instance, Map<String, String> values, SecretResolver secrets) {
    ProviderOptions o = new ProviderOptions(instance, id(), values, options());
    @Nullable String zoneId = o.get("zone-id");
    if (zoneId != null && !ZONE_ID.matcher(zoneId).matches()) {
      throw o.invalid("zone-id", "\"" + zoneId + "\" is not a zone id (expected 32 hex digits)");
    }
    URI base = o.url("base-url");
    int ttl = o.integer("ttl", 1, 86_400);
    if (ttl > 1 && ttl < 60) {
      throw o.invalid("ttl", ttl + " is below Cloudflare's minimum of 60 (1 means automatic)");
    }
    Duration timeout = o.duration("timeout");
    Secret token = o.secret("api-token", secrets);
    if (!TOKEN.matcher(token.reveal()).matches()) {
      throw o.invalid("api-token", "the referenced value contains spaces or control characters");
    }
    HttpClient http = HttpClient.newBuilder()
        .connectTimeout(timeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? timeout : MAX_CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    return new CloudflareProvider(instance, token, zoneId, base, ttl, timeout, http);
  }
}
