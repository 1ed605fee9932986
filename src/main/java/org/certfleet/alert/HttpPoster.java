package org.certfleet.alert;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.certfleet.time.Sleeper;

/**
 * POSTs JSON for the channels, with the retry rules every channel shares: up to {@link #ATTEMPTS}
 * attempts, honouring a 429's {@code Retry-After} (capped at {@link #MAX_RETRY_AFTER}), backing off
 * 1 s, 2 s on 5xx and network errors; any other 4xx is final. Error texts name the channel, never the URL.
 */
final class HttpPoster {
  static final int ATTEMPTS = 3;
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final HttpClient http;
  private final Sleeper sleeper;

  HttpPoster(HttpClient http, Sleeper sleeper) {
    this.http = http;
    this.sleeper = sleeper;
  }

  static HttpClient defaultClient() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** Returns the body of the first 2xx answer. */
  String post(String channel, URI uri, String json, Map<String, String> headers)
      throws AlertDeliveryException, InterruptedException {
    String last = "no attempt";
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
      headers.forEach(b::header);
      Duration wait = Duration.ofSeconds(attempt);
      try {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
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

  private static java.util.Optional<Duration> retryAfter(HttpResponse<?> r) {
    return r.headers().firstValue("Retry-After").flatMap(v -> {
      try {
        Duration d = Duration.ofMillis((long) (Double.parseDouble(v.strip()) * 1000));
        return java.util.Optional.of(d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d);
      } catch (NumberFormatException e) {
        return java.util.Optional.empty();
      }
    });
  }
}
