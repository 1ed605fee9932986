package org.certfleet.dns.acmedns;

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

/** Describes and creates {@link AcmeDnsProvider}s. */
public final class AcmeDnsFactory implements DnsProviderFactory {
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  /** Printable ASCII without spaces: anything else cannot go into an HTTP header. */
  private static final Pattern HEADER_SAFE = Pattern.compile("\\p{Graph}+");
  private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  @Override
  public String id() {
    return "acme-dns";
  }

  @Override
  public List<String> aliases() {
    return List.of();
  }

  @Override
  public String description() {
    return "An acme-dns server (joohoi/acme-dns) with one registered account: CNAME `_acme-challenge.<domain>` to"
        + " `<subdomain>.<acme-dns domain>` once, and present sets the value with `POST /update`. acme-dns keeps the"
        + " two most recent values of a subdomain itself (enough for a wildcard and its base domain) and has no"
        + " delete, so cleanUp does nothing. Give each domain its own account: a third value on one subdomain pushes"
        + " out the first. It accepts only 43-character values, which is what ACME DNS-01 uses.";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.required("server", "base URL of the acme-dns API (https, or http to loopback only), e.g."
            + " https://auth.example.org"),
        OptionSpec.requiredSecret("username", "the account's username (a UUID), from POST /register"),
        OptionSpec.requiredSecret("password", "the account's password, from POST /register"),
        OptionSpec.required("subdomain", "the account's subdomain (a UUID), the first label of the"
            + " `_acme-challenge` CNAME's target"),
        OptionSpec.optional("timeout", "30s", "timeout of each update"));
  }

  @Override
  public DnsProvider create(String instance, Map<String, String> values, SecretResolver secrets) {
    ProviderOptions o = new ProviderOptions(instance, id(), values, options());
    URI server = o.url("server");
    String subdomain = o.require("subdomain");
    if (!LABEL.matcher(subdomain).matches()) {
      throw o.invalid("subdomain", "\"" + subdomain + "\" is not a DNS label (expected the UUID acme-dns registered)");
    }
    Duration timeout = o.duration("timeout");
    Secret username = o.secret("username", secrets);
    if (!UUID.matcher(username.reveal()).matches()) {
      throw o.invalid("username", "the referenced value is not a UUID (acme-dns usernames are)");
    }
    Secret password = o.secret("password", secrets);
    if (!HEADER_SAFE.matcher(password.reveal()).matches()) {
      throw o.invalid("password", "the referenced value contains spaces or control characters");
    }
    HttpClient http = HttpClient.newBuilder()
        .connectTimeout(timeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? timeout : MAX_CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    return new AcmeDnsProvider(instance, server, username, password, subdomain, timeout, http);
  }
}
