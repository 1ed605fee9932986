package org.certfleet.dns.acmedns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.certfleet.config.Secret;
import org.certfleet.dns.DnsException;
import org.certfleet.dns.DnsProvider;
import org.certfleet.dns.TxtRecord;
import org.jspecify.annotations.Nullable;

/**
 * Sets a subdomain's TXT value with acme-dns's {@code POST /update}. The record's name must be the
 * subdomain's own (the {@code _acme-challenge} CNAME already followed): acme-dns can change nothing
 * else. acme-dns keeps only the two latest values of a subdomain, so presenting the same value twice,
 * or three values on one subdomain, pushes out older ones. Immutable and thread-safe.
 */
final class AcmeDnsProvider implements DnsProvider {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** acme-dns refuses any other length ({@code bad_txt}); a DNS-01 digest is 43 base64url characters. */
  static final int TXT_LENGTH = 43;

  private final String instance;
  private final URI server;
  private final Secret username;
  private final Secret password;
  private final String subdomain;
  private final Duration timeout;
  private final HttpClient http;

  AcmeDnsProvider(String instance, URI server, Secret username, Secret password, String subdomain, Duration timeout,
      HttpClient http) {
    this.instance = instance;
    this.server = server;
    this.username = username;
    this.password = password;
    this.subdomain = subdomain;
    this.timeout = timeout;
    this.http = http;
  }

  @Override
  public void present(TxtRecord record) throws DnsException {
    String where = prefix() + "add " + record;
    if (record.value().length() != TXT_LENGTH) {
      throw new DnsException(where + ": acme-dns accepts only " + TXT_LENGTH + "-character values (a DNS-01"
          + " digest); this one has " + record.value().length());
    }
    String firstLabel = record.fqdn().substring(0, record.fqdn().indexOf('.')).toLowerCase(Locale.ROOT);
    if (!firstLabel.equals(subdomain.toLowerCase(Locale.ROOT))) {
      throw new DnsException(where + ": the name is not this account's subdomain " + subdomain + "; CNAME the"
          + " _acme-challenge name to " + subdomain + ".<acme-dns domain>");
    }
    String body = JSON.createObjectNode().put("subdomain", subdomain).put("txt", record.value()).toString();
    HttpRequest request = HttpRequest.newBuilder(URI.create(server + "/update"))
        .timeout(timeout)
        .header("X-Api-User", username.reveal())
        .header("X-Api-Key", password.reveal())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new DnsException(where + ": no answer from " + server + " within " + timeout.toSeconds() + " s", e);
    } catch (IOException e) {
      throw new DnsException(where + ": " + server + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DnsException(where + ": interrupted", e);
    }
    @Nullable JsonNode json;
    try {
      json = JSON.readTree(response.body());
    } catch (JsonProcessingException e) {
      json = null;
    }
    int status = response.statusCode();
    if (status == 200 && json != null && record.value().equals(json.path("txt").asText(null))) {
      return;
    }
    String error = json == null ? "" : json.path("error").asText("");
    String hint = switch (error) {
      case "forbidden", "unauthorized" -> " (wrong username or password, or this address is not in the account's"
          + " allowfrom)";
      case "bad_subdomain" -> " (the subdomain is not this account's)";
      case "bad_txt" -> " (the value is not 43 characters)";
      default -> "";
    };
    String detail = !error.isEmpty() ? ": " + error + hint
        : status == 200 ? ": the answer does not confirm the value" : "";
    throw new DnsException(redact(where + ": " + server + " answered HTTP " + status + detail));
  }

  /** acme-dns has no delete; it keeps a subdomain's two most recent values and drops older ones itself. */
  @Override
  public void cleanUp(TxtRecord record) {
    // nothing to do
  }

  private String redact(String message) {
    return message.replace(password.reveal(), "***").replace(username.reveal(), "***");
  }

  private String prefix() {
    return "dns provider " + instance + " (acme-dns): ";
  }
}
