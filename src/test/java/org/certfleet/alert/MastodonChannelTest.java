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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The mastodon channel against a local server answering as an instance's REST API would. */
class MastodonChannelTest {
  static final String TOKEN = "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0";
  /** {@code certfleet-} + the first 32 hex digits of SHA-256("m-42") (sha256sum) + the part number. */
  static final String KEY_M42 = "certfleet-23b5a0d624a788ff97a4c340af81894b-";
  static final String MENTIONS = "@admin@hachyderm.io @oncall ";
  static final String WJ = "\u2060";

  FakeChatApi api;

  @BeforeEach
  void start() throws Exception {
    api = new FakeChatApi();
    api.fallback = r -> new Reply(200, "{\"id\":\"1133" + api.requests.size() + "\",\"visibility\":\"direct\"}");
  }

  @AfterEach
  void stop() {
    api.close();
  }

  ChatChannel mastodon(Map<String, String> overrides) {
    Map<String, String> o = new HashMap<>(Map.of("instance", api.base(), "access-token", "${env:MASTODON_TOKEN}",
        "recipients", "@admin@hachyderm.io, @oncall"));
    o.putAll(overrides);
    AlertConfig cfg = new AlertConfig(Duration.ofDays(14), Duration.ofHours(24), null,
        List.of(new PluginSpec("ops", "mastodon", o)));
    return AlertChannels.create(cfg, new SecretResolver(Map.of("MASTODON_TOKEN", TOKEN)::get), Clock.systemUTC(),
        api.sleeper()).get(0);
  }

  ChatChannel mastodon() {
    return mastodon(Map.of());
  }

  static AlertMessage message(String id, int lines) {
    List<String> l = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      l.add("- pop-" + i + ": failed at verify: serves serial 03:a1 instead of 04:b2");
    }
    return new AlertMessage(id, "DEPLOY_FAILED:media.hachyderm.io", "warning",
        "certfleet: media.hachyderm.io is not served by 1 of 2 node(s)", l);
  }

  @Test
  void postsADirectStatusMentioningTheRecipientsWithAnIdempotencyKey() throws Exception {
    mastodon().send(message("m-42", 1));

    Request r = api.requests.get(0);
    assertThat(api.requests).hasSize(1);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.rawPath()).isEqualTo("/api/v1/statuses");
    assertThat(r.query()).isNull();
    assertThat(r.header("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(r.header("Idempotency-Key")).isEqualTo(KEY_M42 + "1");
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.json()).isEqualTo(FakeChatApi.JSON.readTree("""
        {"status": "@admin@hachyderm.io @oncall certfleet: media.hachyderm.io is not served by 1 of 2 node(s)\\n- pop-0: failed at verify: serves serial 03:a1 instead of 04:b2",
         "visibility": "direct"}
        """));
  }

  @Test
  void anAtSignInTheTextCannotMentionAnotherAccount() throws Exception {
    mastodon().send(new AlertMessage("m-42", "K", "info", "mail @admin or infra@example.org", List.of()));

    assertThat(api.requests.get(0).json().get("status").asText())
        .isEqualTo(MENTIONS + "mail @" + WJ + "admin or infra@" + WJ + "example.org");
  }

  @Test
  void aLongMessageIsSplitSoThatEachStatusWithItsMentionsFitsTheLimit() throws Exception {
    AlertMessage m = message("m-42", 30); // about 1,900 chars
    mastodon().send(m);

    assertThat(api.requests).hasSizeGreaterThanOrEqualTo(4);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < api.requests.size(); i++) {
      Request r = api.requests.get(i);
      assertThat(r.header("Idempotency-Key")).isEqualTo(KEY_M42 + (i + 1));
      String status = r.json().get("status").asText();
      assertThat(status).startsWith(MENTIONS).hasSizeLessThanOrEqualTo(500);
      texts.add(status.substring(MENTIONS.length()));
    }
    assertThat(api.requests.get(0).json().get("status").asText()).hasSizeGreaterThan(400);
    assertThat(String.join("\n", texts)).isEqualTo(m.text());
  }

  @Test
  void maxCharactersRaisesTheLimitForInstancesThatAllowLongerStatuses() throws Exception {
    AlertMessage m = message("m-42", 30);
    mastodon(Map.of("max-characters", "5000")).send(m);

    assertThat(api.requests).singleElement().satisfies(r ->
        assertThat(r.json().get("status").asText()).isEqualTo(MENTIONS + m.text()));
  }

  @Test
  void a429IsRetriedAfterItsRetryAfterWithTheSameIdempotencyKey() throws Exception {
    api.replies.add(new Reply(429, "{\"error\":\"Too many requests\"}", Map.of("Retry-After", "7")));

    mastodon().send(message("m-42", 1));

    assertThat(api.slept).containsExactly(Duration.ofSeconds(7));
    assertThat(api.requests).hasSize(2);
    assertThat(api.requests.get(1)).isEqualTo(api.requests.get(0));
    assertThat(api.requests.get(1).header("Idempotency-Key")).isEqualTo(KEY_M42 + "1");
  }

  @Test
  void a5xxIsRetriedWithTheSameIdempotencyKeyAndALaterSendOfTheSameMessageReusesIt() throws Exception {
    api.replies.add(new Reply(503, "<html>maintenance</html>"));

    mastodon().send(message("m-42", 1));
    mastodon().send(message("m-42", 1));
    mastodon().send(message("m-7", 1));

    assertThat(api.slept).containsExactly(Duration.ofSeconds(1));
    assertThat(api.requests).extracting(r -> r.header("Idempotency-Key"))
        .containsExactly(KEY_M42 + "1", KEY_M42 + "1", KEY_M42 + "1", "certfleet-76f768bd67e2f88ad056626942cb142b-1");
  }

  @Test
  void aRefusalIsFinalAndNamesTheChannelButNeitherTokenNorUrl() {
    api.replies.add(new Reply(422, "{\"error\":\"Validation failed: Text character limit of 500 exceeded\"}"));

    AlertDeliveryException e = catchThrowableOfType(AlertDeliveryException.class, () -> mastodon().send(message("m-42", 1)));

    assertThat(e.getMessage()).isEqualTo("mastodon channel ops: refused with HTTP 422")
        .doesNotContain(TOKEN, "127.0.0.1", "statuses");
    assertThat(api.requests).hasSize(1);
    assertThat(api.slept).isEmpty();
  }

  @Test
  void a2xxWithoutAStatusIdIsNotADelivery() {
    api.replies.add(new Reply(200, "<html>a captive portal</html>"));

    AlertDeliveryException e = catchThrowableOfType(AlertDeliveryException.class, () -> mastodon().send(message("m-42", 1)));

    assertThat(e.getMessage()).isEqualTo("mastodon channel ops: answered without a status id");
  }

  @ParameterizedTest
  @ValueSource(strings = {"admin@hachyderm.io", "@admin@hachyderm.io,", "@admin@hachyderm.io @oncall", "@", "@ad min",
      "@admin@", "@admin@host..io", "https://hachyderm.io/@admin", ""})
  void recipientsThatAreNotAccountsAreRefusedNamingChannelAndOption(String recipients) {
    AlertDeliveryException e = catchThrowableOfType(AlertDeliveryException.class,
        () -> mastodon(Map.of("recipients", recipients)).send(message("m-42", 1)));

    assertThat(e.getMessage()).startsWith("mastodon channel ops: option recipients: ");
    assertThat(api.requests).isEmpty();
  }

  @Test
  void theRefusalQuotesTheBadRecipient() {
    AlertDeliveryException e = catchThrowableOfType(AlertDeliveryException.class,
        () -> mastodon(Map.of("recipients", "@admin@hachyderm.io, oncall")).send(message("m-42", 1)));

    assertThat(e.getMessage()).isEqualTo("mastodon channel ops: option recipients: \"oncall\" is not an account"
        + " (expected a comma-separated list of @user or @user@host, e.g. @admin@hachyderm.io)");
  }

  @Test
  void aLimitThatLeavesTooLittleRoomAfterTheMentionsIsRefused() {
    AlertDeliveryException e = catchThrowableOfType(AlertDeliveryException.class,
        () -> mastodon(Map.of("max-characters", "120")).send(message("m-42", 1)));
    assertThat(e.getMessage()).isEqualTo("mastodon channel ops: option max-characters: 120 leaves 92 characters per"
        + " status after the recipients (at least 100 needed)");

    e = catchThrowableOfType(AlertDeliveryException.class,
        () -> mastodon(Map.of("max-characters", "lots")).send(message("m-42", 1)));
    assertThat(e.getMessage()).isEqualTo("mastodon channel ops: option max-characters: \"lots\" is not a whole number"
        + " from 100 to 1000000");
  }

  @Test
  void recipientsAreTrimmedAndDeduplicated() throws Exception {
    mastodon(Map.of("recipients", " @oncall ,@oncall,@admin@hachyderm.io")).send(message("m-42", 0));

    JsonNode body = api.requests.get(0).json();
    assertThat(body.get("status").asText()).isEqualTo("@oncall @admin@hachyderm.io certfleet: media.hachyderm.io is"
        + " not served by 1 of 2 node(s)");
  }
}
