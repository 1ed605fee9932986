package org.certfleet.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.Map;
import org.certfleet.alert.FakeChatApi.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpPosterTest {
  static final String TOKEN = "syt_s3cr3t_token";

  FakeChatApi api;
  HttpPoster http;

  @BeforeEach
  void start() throws Exception {
    api = new FakeChatApi();
    http = new HttpPoster(HttpPoster.defaultClient(), api.sleeper());
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void retriesSendTheSameMethodPathHeadersAndBody() throws Exception {
    api.replies.add(new Reply(503, "down"));
    api.replies.add(new Reply(200, "{\"event_id\":\"$1\"}"));

    String body = http.send("matrix channel ops", "PUT", api.base() + "/rooms/%21a%3Ab/send/m.room.message/t-1", "{\"a\":1}",
        Map.of("Authorization", "Bearer " + TOKEN));

    assertThat(body).isEqualTo("{\"event_id\":\"$1\"}");
    assertThat(api.requests).hasSize(2).allSatisfy(r -> {
      assertThat(r.method()).isEqualTo("PUT");
      assertThat(r.rawPath()).isEqualTo("/rooms/%21a%3Ab/send/m.room.message/t-1");
      assertThat(r.header("Authorization")).isEqualTo("Bearer " + TOKEN);
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      assertThat(r.body()).isEqualTo("{\"a\":1}");
    });
    assertThat(api.slept).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void a429WithoutRetryAfterWaitsForItsRetryAfterMs() throws Exception {
    api.replies.add(new Reply(429, "{\"errcode\":\"M_LIMIT_EXCEEDED\",\"retry_after_ms\":1500}"));

    http.send("matrix channel ops", "PUT", api.base() + "/x", "{}", Map.of());

    assertThat(api.slept).containsExactly(Duration.ofMillis(1500));
  }

  @Test
  void aRetryAfterHeaderWinsOverTheBodyAndUnreadableOnesFallBackToTheBackoff() throws Exception {
    api.replies.add(new Reply(429, "{\"retry_after_ms\":1500}", Map.of("Retry-After", "4")));
    api.replies.add(new Reply(429, "not json", Map.of("Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT")));

    http.post("discord channel ops", api.base() + "/x", "{}", Map.of());

    assertThat(api.slept).containsExactly(Duration.ofSeconds(4), Duration.ofSeconds(2));
    assertThat(api.requests).hasSize(3);
  }

  @Test
  void aMalformedUrlOrHeaderIsReportedWithoutQuotingIt() {
    AlertDeliveryException e = catchThrowableOfType(AlertDeliveryException.class,
        () -> http.post("discord channel ops", "https://discord.com/api/webhooks/1/" + TOKEN + " x", "{}", Map.of()));
    assertThat(e.getMessage()).isEqualTo("discord channel ops: the configured URL is not a valid URL");

    e = catchThrowableOfType(AlertDeliveryException.class,
        () -> http.post("discord channel ops", "ftp://example.org/" + TOKEN, "{}", Map.of()));
    assertThat(e.getMessage()).isEqualTo("discord channel ops: the configured URL is not an http(s) URL with a host");

    e = catchThrowableOfType(AlertDeliveryException.class,
        () -> http.post("matrix channel ops", api.base() + "/x", "{}", Map.of("Authorization", "Bearer " + TOKEN + "\n")));
    assertThat(e.getMessage()).isEqualTo(
        "matrix channel ops: cannot build the request (a URL or header value is not allowed in HTTP)");
    assertThat(e.getCause()).isNull();
    assertThat(api.requests).isEmpty();
  }
}
