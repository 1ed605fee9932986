package org.certfleet.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.certfleet.alert.FakeChatApi.Reply;
import org.certfleet.alert.FakeChatApi.Request;
import org.certfleet.config.AlertConfig;
import org.certfleet.config.PluginSpec;
import org.certfleet.config.SecretResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The matrix channel against a local server answering as a homeserver's client-server API would. */
class MatrixChannelTest {
  static final String TOKEN = "syt_Ym90_s3cr3tTokenValue_0abc12";
  /** {@code certfleet-} + the first 32 hex digits of SHA-256("m-42") (sha256sum) + the part number. */
  static final String TXN_M42 = "certfleet-23b5a0d624a788ff97a4c340af81894b-";
  static final String SEND = "/_matrix/client/v3/rooms/%21ops%3Aexample.org/send/m.room.message/";

  FakeChatApi api;

  @BeforeEach
  void start() throws Exception {
    api = new FakeChatApi();
    api.fallback = r -> new Reply(200, "{\"event_id\":\"$ev" + api.requests.size() + "\"}");
  }

  @AfterEach
  void stop() {
    api.close();
  }

  ChatChannel matrix(Map<String, String> overrides) {
    Map<String, String> o = new HashMap<>(Map.of("homeserver", api.base() + "/", "room-id", "!ops:example.org",
        "access-token", "${env:MATRIX_TOKEN}"));
    o.putAll(overrides);
    AlertConfig cfg = new AlertConfig(Duration.ofDays(14), Duration.ofHours(24), null,
        List.of(new PluginSpec("ops", "matrix", o)));
    return AlertChannels.create(cfg, new SecretResolver(Map.of("MATRIX_TOKEN", TOKEN)::get), Clock.systemUTC(),
        api.sleeper()).get(0);
  }

  ChatChannel matrix() {
    return matrix(Map.of());
  }

  static AlertMessage message(String id, int lines) {
    List<String> l = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      l.add("- pop-" + i + ": failed at test: `nginx -t` failed (exit 1): nginx: [emerg] unknown directive \"ssl_stapling\"");
    }
    return new AlertMessage(id, "DEPLOY_FAILED:media.hachyderm.io", "critical",
        "certfleet: media.hachyderm.io is not served by 2 of 2 node(s) <after> distribution & hook", l);
  }

  @Test
  void putsAnMNoticeWithTheTokenAndATransactionIdFromTheMessageId() throws Exception {
    matrix().send(message("m-42", 1));

    Request r = api.requests.get(0);
    assertThat(api.requests).hasSize(1);
    assertThat(r.method()).isEqualTo("PUT");
    assertThat(r.rawPath()).isEqualTo(SEND + TXN_M42 + "1");
    assertThat(r.query()).isNull();
    assertThat(r.header("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.json()).isEqualTo(FakeChatApi.JSON.readTree("""
        {"msgtype": "m.notice",
         "body": "certfleet: media.hachyderm.io is not served by 2 of 2 node(s) <after> distribution & hook\\n- pop-0: failed at test: `nginx -t` failed (exit 1): nginx: [emerg] unknown directive \\"ssl_stapling\\"",
         "format": "org.matrix.custom.html",
         "formatted_body": "<strong>certfleet: media.hachyderm.io is not served by 2 of 2 node(s) &lt;after&gt; distribution &amp; hook</strong><br>- pop-0: failed at test: `nginx -t` failed (exit 1): nginx: [emerg] unknown directive &quot;ssl_stapling&quot;"}
        """));
  }

  @Test
  void theRoomIdIsOnePercentEncodedPathSegment() throws Exception {
    matrix(Map.of("room-id", "!a/b+c?&#:example.org")).send(message("m-42", 1));
    // Room version 12 ids have no server part.
    matrix(Map.of("room-id", "!7Gk_x-Q9")).send(message("m-42", 1));

    assertThat(api.requests).extracting(Request::rawPath).containsExactly(
        "/_matrix/client/v3/rooms/%21a%2Fb%2Bc%3F%26%23%3Aexample.org/send/m.room.message/" + TXN_M42 + "1",
        "/_matrix/client/v3/rooms/%217Gk_x-Q9/send/m.room.message/" + TXN_M42 + "1");
  }

  @Test
  void theTransactionIdIsTheSameForTheSameMessageAndPartOnlyAcrossSends() throws Exception {
    matrix().send(message("m-42", 1));
    matrix().send(message("m-42", 1));
    matrix().send(message("m-43", 1));

    assertThat(api.requests).extracting(Request::rawPath).containsExactly(SEND + TXN_M42 + "1", SEND + TXN_M42 + "1",
        SEND + "certfleet-bbe667a40fa759df072a4138d71af3f9-1");
  }

  @Test
  void aLongMessageIsSplitIntoBodiesOfAtMost16000CharsEachWithItsOwnTransactionId() throws Exception {
    AlertMessage m = message("m-42", 330); // about 34,000 chars
    matrix().send(m);

    assertThat(api.requests).hasSize(3);
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Request r = api.requests.get(i);
      assertThat(r.rawPath()).isEqualTo(SEND + TXN_M42 + (i + 1));
      JsonNode c = r.json();
      assertThat(c.get("msgtype").asText()).isEqualTo("m.notice");
      assertThat(c.get("body").asText().length()).isLessThanOrEqualTo(MatrixChannel.MAX_BODY).isPositive();
      assertThat(c.get("formatted_body").asText().startsWith("<strong>")).isEqualTo(i == 0);
      bodies.add(c.get("body").asText());
    }
    assertThat(bodies.get(0).length()).isGreaterThan(MatrixChannel.MAX_BODY - 200);
    assertThat(String.join("\n", bodies)).isEqualTo(m.text());
  }

  @Test
  void aPartWhoseHtmlWouldMakeTheEventTooBigIsSentAsPlainBodyOnly() throws Exception {
    String angles = "<".repeat(MatrixChannel.MAX_BODY); // 16,000 bytes of body, 64,000 of HTML
    JsonNode plain = FakeChatApi.JSON.readTree(MatrixChannel.content(angles, true));
    assertThat(plain.has("formatted_body")).isFalse();
    assertThat(plain.has("format")).isFalse();
    assertThat(plain.get("body").asText()).isEqualTo(angles);

    assertThat(FakeChatApi.JSON.readTree(MatrixChannel.content("<".repeat(9000), true)).has("formatted_body")).isTrue();
  }

  @Test
  void a429IsRetriedAfterItsRetryAfterWithTheSameTransactionId() throws Exception {
    api.replies.add(new Reply(429, "{\"errcode\":\"M_LIMIT_EXCEEDED\",\"retry_after_ms\":2000}", Map.of("Retry-After", "2")));

    matrix().send(message("m-42", 1));

    assertThat(api.slept).containsExactly(Duration.ofSeconds(2));
    assertThat(api.requests).hasSize(2);
    assertThat(api.requests.get(1)).isEqualTo(api.requests.get(0));
    assertThat(api.requests.get(1).rawPath()).isEqualTo(SEND + TXN_M42 + "1");
  }

  @Test
  void a5xxIsRetriedWithTheSameTransactionIdAfterABackoff() throws Exception {
    api.replies.add(new Reply(502, "<html>bad gateway</html>"));

    matrix().send(message("m-42", 1));

    assertThat(api.slept).containsExactly(Duration.ofSeconds(1));
    assertThat(api.requests).extracting(Request::rawPath).containsExactly(SEND + TXN_M42 + "1", SEND + TXN_M42 + "1");
  }

  @Test
  void aRefusalIsFinalAndNamesTheChannelButNeitherTokenNorUrl() {
    api.replies.add(new Reply(401, "{\"errcode\":\"M_UNKNOWN_TOKEN\",\"error\":\"Invalid access token passed.\"}"));

    AlertDeliveryException e = catchThrowableOfType(AlertDeliveryException.class, () -> matrix().send(message("m-42", 1)));

    assertThat(e.getMessage()).isEqualTo("matrix channel ops: refused with HTTP 401");
    assertThat(api.requests).hasSize(1);
    assertThat(api.slept).isEmpty();

    for (int i = 0; i < 3; i++) {
      api.replies.add(new Reply(500, "{\"errcode\":\"M_UNKNOWN\"}"));
    }
    e = catchThrowableOfType(AlertDeliveryException.class, () -> matrix().send(message("m-42", 1)));
    assertThat(e.getMessage()).isEqualTo("matrix channel ops: not delivered after 3 attempts (last: HTTP 500)")
        .doesNotContain(TOKEN, "127.0.0.1", "_matrix", "example.org");
  }

  @Test
  void a2xxWithoutAnEventIdIsNotADelivery() {
    api.replies.add(new Reply(200, "{}"));

    AlertDeliveryException e = catchThrowableOfType(AlertDeliveryException.class, () -> matrix().send(message("m-42", 1)));

    assertThat(e.getMessage()).isEqualTo("matrix channel ops: answered without an event_id");
  }

  @Test
  void unusableOptionsFailEveryDeliveryNamingChannelAndOptionWithoutARequest() {
    assertThat(catchThrowableOfType(AlertDeliveryException.class,
        () -> matrix(Map.of("room-id", "#ops:example.org")).send(message("m-42", 1))).getMessage())
        .isEqualTo("matrix channel ops: option room-id: \"#ops:example.org\" is not a room id (expected e.g."
            + " !abc:example.org, shown in the room's settings under Advanced)");
    assertThat(catchThrowableOfType(AlertDeliveryException.class,
        () -> matrix(Map.of("homeserver", "http://matrix.example.org")).send(message("m-42", 1))).getMessage())
        .isEqualTo("matrix channel ops: option homeserver: plain http is allowed only to a loopback address; use https");
    assertThat(api.requests).isEmpty();
  }
}
