package org.certfleet.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.certfleet.time.Sleeper;

/**
 * Sends JSON for the channels, with the retry rules every channel shares: up to {@link #ATTEMPTS}
 * attempts of the very same request (so a transaction id in its path or an idempotency key in its
 * headers is reused), honouring a 429's {@code Retry-After} (capped at {@link #MAX_RETRY_AFTER}),
 * backing off 1 s, 2 s on 5xx and network errors; any other 4xx is final. Error texts name the
 * channel, never the URL or a header value: both may carry a token.
 */
final class HttpPoster {
  static final int ATTEMPTS = 3;
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final Sleeper sleeper;

  HttpPoster(HttpClient http, Sleeper sleeper) {
    this.http = http;
    this.sleeper = sleeper;
  }

  static HttpClient defaultClient() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** {@link #send} with {@code POST}. */
  String post(String channel, String url, String json, Map<String, String> headers)
      throws AlertDeliveryException, InterruptedException {
    return send(channel, "POST", url, json, headers);
  }

  /**
   * Sends {@code json} with {@code method} and returns the body of the first 2xx answer.
   *
   * @param channel names the channel in errors, e.g. {@code matrix channel ops}
   * @param url the full URL as text; it may hold a token, so it is parsed here, where a malformed one
   *     is reported without being quoted (the JDK's own exceptions quote it)
   */
  String send(String channel, String method, String url, String json, Map<String, String> headers)
      throws AlertDeliveryException, InterruptedException {
    HttpRequest request = request(channel, method, url, json, headers);
    String last = "no attempt";
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Duration wait = Duration.ofSeconds(attempt);
      try {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() / 100 == 2) {
          return r.body();
        }
        last = "HTTP " + r.statusCode();
        if (r.statusCode() == 429) {
          wait = retryAfter(r).orElse(wait);
        } else if (r.statusCode() / 100 == 4) {
          throw new AlertDeliveryException(channel + ": refused with HTTP " + r.statusCode());
        }
      } catch (IOException e) {
        last = e.getClass().getSimpleName();
      }
      if (attempt < ATTEMPTS) {
        sleeper.sleep(wait);
      }
    }
    throw new AlertDeliveryException(channel + ": not delivered after " + ATTEMPTS + " attempts (last: " + last + ")");
  }

  private static HttpRequest request(String channel, String method, String url, String json, Map<String, String> headers)
      throws AlertDeliveryException {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new AlertDeliveryException(channel + ": the configured URL is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
      throw new AlertDeliveryException(channel + ": the configured URL is not an http(s) URL with a host");
    }
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
      headers.forEach(b::header);
      return b.build();
    } catch (IllegalArgumentException e) {
      // The JDK's message quotes the offending URL or header value, which may be the token.
      throw new AlertDeliveryException(channel + ": cannot build the request (a URL or header value is not allowed in HTTP)");
    }
  }

  /**
   * The wait a 429 asks for: its {@code Retry-After} header in seconds, else a JSON body's {@code
   * retry_after_ms} (Matrix homeservers that predate the header), capped at {@link #MAX_RETRY_AFTER}.
   */
  private static Optional<Duration> retryAfter(HttpResponse<String> r) {
    Optional<Duration> d = r.headers().firstValue("Retry-After").flatMap(v -> {
      try {
        return Optional.of(Duration.ofMillis((long) (Double.parseDouble(v.strip()) * 1000)));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
    if (d.isEmpty()) {
      try {
        JsonNode ms = JSON.readTree(r.body()).path("retry_after_ms");
        d = ms.canConvertToLong() ? Optional.of(Duration.ofMillis(ms.asLong())) : Optional.empty();
      } catch (IOException e) {
        d = Optional.empty();
      }
    }
    return d.filter(x -> !x.isNegative()).map(x -> x.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : x);
  }

  /** True when {@code json} is an object whose {@code field} is a non-empty string or a number. */
  static boolean hasValue(String json, String field) {
    try {
      JsonNode v = JSON.readTree(json).path(field);
      return (v.isTextual() && !v.asText().isEmpty()) || v.isNumber();
    } catch (IOException e) {
      return false;
    }
  }
}
