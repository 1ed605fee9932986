package org.certfleet.dns.cloudflare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.certfleet.config.Secret;
import org.certfleet.dns.DnsException;
import org.certfleet.dns.DnsProvider;
import org.certfleet.dns.TxtRecord;
import org.jspecify.annotations.Nullable;

/**
 * One Cloudflare DNS record per TXT value, through API v4. Every answer is the v4 envelope
 * ({@code success}, {@code errors[]}, {@code result}); a failure names the HTTP status and each
 * {@code errors[].code} with its message. Immutable and thread-safe.
 */
final class CloudflareProvider implements DnsProvider {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** "An identical record already exists." */
  static final int DUPLICATE_RECORD = 81058;

  private final String instance;
  private final Secret token;
  private final @Nullable String zoneId;
  private final URI base;
  private final int ttl;
  private final Duration timeout;
  private final HttpClient http;

  CloudflareProvider(String instance, Secret token, @Nullable String zoneId, URI base, int ttl, Duration timeout,
      HttpClient http) {
    this.instance = instance;
    this.token = token;
    this.zoneId = zoneId;
    this.base = base;
    this.ttl = ttl;
    this.timeout = timeout;
    this.http = http;
  }

  /** A parsed v4 envelope. */
  private record Answer(int status, JsonNode body) {
    boolean success() {
      return status / 100 == 2 && body.path("success").asBoolean(false);
    }

    boolean onlyError(int code) {
      JsonNode errors = body.path("errors");
      return errors.size() > 0 && errors.findValues("code").stream().allMatch(c -> c.asInt() == code);
    }
  }

  @Override
  public void present(TxtRecord record) throws DnsException {
    String what = "add " + record;
    String zone = zoneId(record);
    ObjectNode body = JSON.createObjectNode()
        .put("type", "TXT")
        .put("name", bare(record.fqdn()))
        .put("content", record.value())
        .put("ttl", ttl);
    Answer a = send("POST", "/zones/" + zone + "/dns_records", body, what, zone);
    // present may be called again for the same record (a retried order).
    if (!a.success() && !a.onlyError(DUPLICATE_RECORD)) {
      throw failure(what, zone, a);
    }
  }

  @Override
  public void cleanUp(TxtRecord record) throws DnsException {
    String what = "delete " + record;
    String zone = zoneId(record);
    String query = "?type=TXT&name=" + encode(bare(record.fqdn())) + "&content=" + encode(record.value()) + "&per_page=100";
    Answer list = send("GET", "/zones/" + zone + "/dns_records" + query, null, what, zone);
    if (!list.success()) {
      throw failure(what, zone, list);
    }
    for (JsonNode r : list.body().path("result")) {
      // Only this value: other values on the same name (a wildcard's) stay.
      String content = r.path("content").asText();
      if (!content.equals(record.value()) && !content.equals("\"" + record.value() + "\"")) {
        continue;
      }
      Answer deleted = send("DELETE", "/zones/" + zone + "/dns_records/" + encode(r.path("id").asText()), null, what, zone);
      if (!deleted.success() && deleted.status() != 404) {
        throw failure(what, zone, deleted);
      }
    }
  }

  /** The configured zone, else the first zone named like the record's name or one of its parents. */
  private String zoneId(TxtRecord record) throws DnsException {
    if (zoneId != null) {
      return zoneId;
    }
    String what = "find the zone of " + record.fqdn();
    // Cloudflare zones are never top-level domains, so the walk stops at two labels.
    for (String candidate = bare(record.fqdn()); candidate.contains("."); candidate = candidate.substring(candidate.indexOf('.') + 1)) {
      Answer a = send("GET", "/zones?name=" + encode(candidate), null, what, null);
      if (!a.success()) {
        throw failure(what, null, a);
      }
      JsonNode first = a.body().path("result").path(0);
      if (first.hasNonNull("id")) {
        return first.get("id").asText();
      }
    }
    throw new DnsException(prefix() + what + ": no zone of this token holds it; set option zone-id, or give the"
        + " token Zone:Zone:Read");
  }

  private Answer send(String method, String pathAndQuery, @Nullable JsonNode body, String what, @Nullable String zone)
      throws DnsException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
        .timeout(timeout)
        .header("Authorization", "Bearer " + token.reveal())
        .header("Accept", "application/json");
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> response;
    try {
      response = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new DnsException(prefix() + what + where(zone) + ": no answer within " + timeout.toSeconds() + " s", e);
    } catch (IOException e) {
      throw new DnsException(prefix() + what + where(zone) + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DnsException(prefix() + what + where(zone) + ": interrupted", e);
    }
    @Nullable JsonNode json;
    try {
      json = JSON.readTree(response.body());
    } catch (JsonProcessingException e) {
      json = null;
    }
    if (json == null || !json.isObject() || !json.has("success")) {
      // A proxy's or load balancer's page, not the API: the body is not worth showing.
      throw new DnsException(prefix() + what + where(zone) + ": HTTP " + response.statusCode()
          + " without a Cloudflare API answer");
    }
    return new Answer(response.statusCode(), json);
  }

  private DnsException failure(String what, @Nullable String zone, Answer a) {
    List<String> errors = new ArrayList<>();
    for (JsonNode e : a.body().path("errors")) {
      errors.add(e.path("code").asText("?") + " " + e.path("message").asText(""));
    }
    String detail = errors.isEmpty() ? "success is false, no errors given" : String.join("; ", errors);
    return new DnsException(redact(prefix() + what + where(zone) + ": HTTP " + a.status() + ": " + detail));
  }

  /** The API never echoes the token, but a message must not carry it even if it did. */
  private String redact(String message) {
    return message.replace(token.reveal(), "***");
  }

  private String prefix() {
    return "dns provider " + instance + " (cloudflare): ";
  }

  private static String where(@Nullable String zone) {
    return zone == null ? "" : " in zone " + zone;
  }

  /** Cloudflare writes names without the trailing dot. */
  private static String bare(String fqdn) {
    return fqdn.endsWith(".") ? fqdn.substring(0, fqdn.length() - 1) : fqdn;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
