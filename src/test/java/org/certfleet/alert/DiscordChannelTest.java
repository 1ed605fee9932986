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

/** The discord channel against a local server answering as Discord's execute-webhook endpoint would. */
class DiscordChannelTest {
  static final String TOKEN = "Xk3-webhook-token_9f8e7d";
  static final String SUMMARY = "certfleet: media.hachyderm.io is not served by 2 of 2 node(s) after distribution";

  FakeChatApi api;
  String webhook;

  @BeforeEach
  void start() throws Exception {
    api = new FakeChatApi();
    api.fallback = r -> new Reply(200, "{\"id\":\"12345678901234567" + api.requests.size() + "\",\"type\":0}");
    webhook = api.base() + "/api/webhooks/1122/" + TOKEN;
  }

  @AfterEach
  void stop() {
    api.close();
  }

  ChatChannel discord(Map<String, String> options) {
    Map<String, String> o = new HashMap<>(Map.of("webhook-url", "${env:DISCORD}"));
    o.putAll(options);
    AlertConfig cfg = new AlertConfig(Duration.ofDays(14), Duration.ofHours(24), null,
        List.of(new PluginSpec("ops", "discord", o)));
    return AlertChannels.create(cfg, new SecretResolver(Map.of("DISCORD", webhook)::get), Clock.systemUTC(),
        api.sleeper()).get(0);
  }

  static AlertMessage message(String severity, String summary, int lines) {
    List<String> l = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      l.add("- pop-" + i + ": failed at test: `nginx -t` failed (exit 1): nginx: [emerg] unknown directive @everyone");
    }
    return new AlertMessage("m-42", "DEPLOY_FAILED:media.hachyderm.io", severity, summary, l);
  }

  @Test
  void postsOneEmbedWithTheSummaryAsTitleTheLinesAsDescriptionAndNoMentions() throws Exception {
    discord(Map.of()).send(message("warning", SUMMARY, 2));

    Request r = api.requests.get(0);
    assertThat(api.requests).hasSize(1);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.rawPath()).isEqualTo("/api/webhooks/1122/" + TOKEN);
    assertThat(r.query()).isEqualTo("wait=true");
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.json()).isEqualTo(FakeChatApi.JSON.readTree("""
        {"username": "certfleet",
         "content": "%s",
         "embeds": [{"title": "%s",
                     "description": "- pop-0: failed at test: `nginx -t` failed (exit 1): nginx: [emerg] unknown directive @everyone\\n- pop-1: failed at test: `nginx -t` failed (exit 1): nginx: [emerg] unknown directive @everyone",
                     "color": 16756736}],
         "allowed_mentions": {"parse": []}}
        """.formatted(SUMMARY, SUMMARY)));
  }

  @Test
  void theEmbedIsColouredBySeverity() throws Exception {
    for (String s : List.of("critical", "warning", "info", "debug")) {
      discord(Map.of()).send(message(s, SUMMARY, 0));
    }

    assertThat(api.requests).extracting(r -> r.json().get("embeds").get(0).get("color").asInt())
        .containsExactly(0xED4245, 0xFFB000, 0x3498DB, 0x95A5A6);
    assertThat(api.requests.get(0).json().get("embeds").get(0).has("description")).isFalse();
  }

  @Test
  void aLongMessageIsSplitIntoMessagesWithinEveryDiscordLimit() throws Exception {
    AlertMessage m = message("critical", SUMMARY, 250); // about 26,000 chars of lines
    discord(Map.of("username", "certfleet-lab")).send(m);

    int n = api.requests.size();
    assertThat(n).isBetween(5, 6);
    List<String> descriptions = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      JsonNode body = api.requests.get(i).json();
      assertThat(body.get("username").asText()).isEqualTo("certfleet-lab");
      assertThat(body.get("allowed_mentions").get("parse")).isEmpty();
      assertThat(body.has("content")).isEqualTo(i == 0);
      JsonNode embeds = body.get("embeds");
      assertThat(embeds.size()).isBetween(1, 10);
      assertThat(embeds.get(0).get("title").asText()).isEqualTo(SUMMARY + " (" + (i + 1) + "/" + n + ")");
      int total = 0;
      for (int e = 0; e < embeds.size(); e++) {
        JsonNode embed = embeds.get(e);
        assertThat(embed.has("title")).isEqualTo(e == 0);
        assertThat(embed.get("color").asInt()).isEqualTo(0xED4245);
        String d = embed.get("description").asText();
        assertThat(d).hasSizeLessThanOrEqualTo(4096).doesNotStartWith("\n");
        descriptions.add(d);
        total += d.length() + embed.path("title").asText().length();
      }
      assertThat(total).isLessThanOrEqualTo(6000).isGreaterThan(i < n - 1 ? 5500 : 0);
    }
    assertThat(String.join("\n", descriptions)).isEqualTo(String.join("\n", m.lines()));
  }

  @Test
  void aSummaryLongerThanATitleIsCutThereAndRepeatedInFullInTheDescription() throws Exception {
    String summary = "certfleet: " + "very-long-name.".repeat(200); // 3,011 chars
    AlertMessage m = message("info", summary, 1);
    discord(Map.of()).send(m);

    JsonNode body = api.requests.get(0).json();
    String title = body.get("embeds").get(0).get("title").asText();
    assertThat(title).hasSize(256).endsWith("…");
    assertThat(summary).startsWith(title.substring(0, 255));
    assertThat(body.get("content").asText()).hasSize(2000).endsWith("…");
    String description = body.get("embeds").get(0).get("description").asText();
    assertThat(description).isEqualTo(summary + "\n" + m.lines().get(0));
  }

  @Test
  void aLineLongerThanADescriptionIsCutWithinTheLimits() throws Exception {
    discord(Map.of()).send(new AlertMessage("m-1", "K", "warning", SUMMARY, List.of("x".repeat(9000))));

    assertThat(api.requests).hasSize(2);
    assertThat(api.requests).allSatisfy(r -> {
      JsonNode embeds = r.json().get("embeds");
      int total = 0;
      for (JsonNode e : embeds) {
        total += e.path("title").asText().length() + e.path("description").asText().length();
        assertThat(e.path("description").asText()).hasSizeLessThanOrEqualTo(4096);
      }
      assertThat(total).isLessThanOrEqualTo(6000);
    });
  }

  @Test
  void aWebhookUrlWithAQueryKeepsItAndAddsWait() throws Exception {
    webhook = webhook + "?thread_id=99";
    discord(Map.of()).send(message("info", SUMMARY, 0));

    assertThat(api.requests.get(0).query()).isEqualTo("thread_id=99&wait=true");
  }

  @Test
  void a2xxWithoutAMessageIdIsNotADelivery() {
    api.replies.add(new Reply(204, ""));

    AlertDeliveryException e = catchThrowableOfType(AlertDeliveryException.class,
        () -> discord(Map.of()).send(message("info", SUMMARY, 0)));

    assertThat(e.getMessage()).isEqualTo("discord channel ops: answered without a message id");
  }

  @Test
  void aRefusalIsFinalAndNamesTheChannelButNotTheWebhook() {
    api.replies.add(new Reply(400, "{\"code\":50035,\"message\":\"Invalid Form Body\"}"));

    AlertDeliveryException e = catchThrowableOfType(AlertDeliveryException.class,
        () -> discord(Map.of()).send(message("info", SUMMARY, 0)));

    assertThat(e.getMessage()).isEqualTo("discord channel ops: refused with HTTP 400").doesNotContain(TOKEN, "1122");
    assertThat(api.requests).hasSize(1);
  }
}
