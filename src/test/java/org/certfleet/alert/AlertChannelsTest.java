package org.certfleet.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.certfleet.config.AlertConfig;
import org.certfleet.config.AppConfig;
import org.certfleet.config.ConfigLoader;
import org.certfleet.config.PluginSpec;
import org.certfleet.config.SecretResolver;
import org.certfleet.testing.TestCatalogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The channels against a local HTTP server that answers as Discord, Slack or an Alertmanager receiver would. */
class AlertChannelsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TOKEN = "s3cr3t-webhook-token";

  record Request(String path, String query, String body) {}

  record Reply(int status, String body, Map<String, String> headers) {}

  HttpServer server;
  final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  final Deque<Reply> replies = new ConcurrentLinkedDeque<>();
  final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());
  Map<String, String> env;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> {
      byte[] in = ex.getRequestBody().readAllBytes();
      requests.add(new Request(ex.getRequestURI().getPath(), ex.getRequestURI().getQuery(), new String(in, StandardCharsets.UTF_8)));
      Reply r = replies.isEmpty() ? new Reply(200, ex.getRequestURI().getPath().startsWith("/slack") ? "ok" : "{\"id\":\"1\"}", Map.of())
          : replies.poll();
      r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(r.status(), out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    env = Map.of("DISCORD", base + "/api/webhooks/1/" + TOKEN, "SLACK", base + "/slack/T0/B0/" + TOKEN,
        "HOOK", base + "/alertmanager/" + TOKEN);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  ChatChannel channel(String type, String option, String var) {
    AlertConfig cfg = new AlertConfig(Duration.ofDays(14), Duration.ofHours(24), null,
        List.of(new PluginSpec("ops", type, Map.of(option, "${env:" + var + "}"))));
    return AlertChannels.create(cfg, new SecretResolver(env::get),
        Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC), slept::add).get(0);
  }

  static AlertMessage message(int lines) {
    List<String> l = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      l.add("- pop-" + i + ": failed at test: `nginx -t` failed (exit 1): nginx: [emerg] unknown directive");
    }
    return new AlertMessage("DEPLOY_FAILED:media.hachyderm.io", "warning", "certfleet: media.hachyderm.io is not served", l);
  }

  @Test
  void a429IsRetriedAfterItsRetryAfterAndAServerThatKeepsFailingIsReportedWithoutTheUrl() throws Exception {
    replies.add(new Reply(429, "{\"retry_after\": 2.5}", Map.of("Retry-After", "2.5")));
    channel("discord", "webhook-url", "DISCORD").send(message(1));
    assertThat(requests).hasSize(2);
    assertThat(slept).containsExactly(Duration.ofMillis(2500));

    requests.clear();
    slept.clear();
    for (int i = 0; i < 3; i++) {
      replies.add(new Reply(503, "down", Map.of()));
    }
    AlertDeliveryException e = catchThrowableOfType(AlertDeliveryException.class,
        () -> channel("discord", "webhook-url", "DISCORD").send(message(1)));
    assertThat(e.getMessage()).isEqualTo("discord channel ops: not delivered after 3 attempts (last: HTTP 503)");
    assertThat(e.getMessage()).doesNotContain(TOKEN, "127.0.0.1");
    assertThat(requests).hasSize(3);
    assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  @Test
  void aRetryAfterBeyondTheCapIsCapped() throws Exception {
    replies.add(new Reply(429, "", Map.of("Retry-After", "3600")));
    channel("discord", "webhook-url", "DISCORD").send(message(1));
    assertThat(slept).containsExactly(HttpPoster.MAX_RETRY_AFTER);
  }

  @Test
  void slackCountsOnlyAnOkBodyAsDelivered() throws Exception {
    channel("slack", "webhook-url", "SLACK").send(message(2));
    assertThat(JSON.readTree(requests.get(0).body()).get("text").asText()).isEqualTo(message(2).text());

    replies.add(new Reply(200, "no_text", Map.of()));
    AlertDeliveryException e = catchThrowableOfType(AlertDeliveryException.class,
        () -> channel("slack", "webhook-url", "SLACK").send(message(1)));
    assertThat(e.getMessage()).isEqualTo("slack channel ops: answered without \"ok\"");

    replies.add(new Reply(404, "no_service", Map.of()));
    e = catchThrowableOfType(AlertDeliveryException.class, () -> channel("slack", "webhook-url", "SLACK").send(message(1)));
    assertThat(e.getMessage()).isEqualTo("slack channel ops: refused with HTTP 404");
  }

  @Test
  void theGenericWebhookGetsAlertmanagerShapedJson() throws Exception {
    channel("webhook", "url", "HOOK").send(message(1));

    JsonNode body = JSON.readTree(requests.get(0).body());
    assertThat(body.get("version").asText()).isEqualTo("4");
    assertThat(body.get("status").asText()).isEqualTo("firing");
    JsonNode alert = body.get("alerts").get(0);
    assertThat(alert.get("labels").get("alertname").asText()).isEqualTo("DEPLOY_FAILED:media.hachyderm.io");
    assertThat(alert.get("labels").get("severity").asText()).isEqualTo("warning");
    assertThat(alert.get("annotations").get("summary").asText()).isEqualTo("certfleet: media.hachyderm.io is not served");
    assertThat(alert.get("startsAt").asText()).isEqualTo("2026-11-22T10:00:00Z");
  }

  @Test
  void aChannelWithUnusableOptionsFailsEveryDeliveryVisiblyWhileTheOthersDeliver() throws Exception {
    AlertConfig cfg = new AlertConfig(Duration.ofDays(14), Duration.ofHours(24), null, List.of(
        new PluginSpec("dm", "mastodon", Map.of("instance", "https://hachyderm.io", "access-token", "${env:SLACK}",
            "recipients", "admin")),
        new PluginSpec("ops", "slack", Map.of("webhook-url", "${env:SLACK}"))));
    List<Delivery> d = deliver(AlertChannels.create(cfg, new SecretResolver(env::get), Clock.systemUTC(),
        slept::add), message(1));

    assertThat(d).containsExactly(
        new Delivery("dm", "mastodon channel dm: option recipients: \"admin\" is not an account (expected a"
            + " comma-separated list of @user or @user@host, e.g. @admin@hachyderm.io)"),
        new Delivery("ops", null));
    assertThat(requests).singleElement().satisfies(r -> assertThat(r.path()).startsWith("/slack/"));
  }

  @Test
  void theDocumentedMatrixAndMastodonOptionsPassConfigValidationAndReachTheSenders(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("key"), "");
    Path file = dir.resolve("certs.yaml");
    Files.writeString(file, """
        acme: {directory: letsencrypt, email: ops@hachyderm.io, agree-to-terms: true}
        dns:
          providers: [{name: run, type: exec, options: {command: ./dns.sh}}]
        certificates: [{name: media.hachyderm.io, domains: [media.hachyderm.io], deploy-to: [sally]}]
        nodes: [{name: sally, address: 127.0.0.11, ssh: {user: certfleet, private-key: key, known-hosts: /etc/kh}}]
        alerts:
          channels:
            - name: ops-matrix
              type: matrix
              options: {homeserver: "%1$s", room-id: "!kXzD8pQrTm:example.org", access-token: "${env:SLACK}"}
            - name: admins-dm
              type: mastodon
              options: {instance: "%1$s", access-token: "${env:SLACK}", recipients: "@admin@hachyderm.io, @oncall",
                        max-characters: 500}
        """.formatted(env.get("HOOK").replaceAll("/alertmanager/.*", "")));
    AppConfig config = new ConfigLoader(TestCatalogs.dns(), AlertChannels.standard()).load(file);
    replies.add(new Reply(200, "{\"event_id\":\"$1\"}", Map.of()));
    AlertMessage m = message(1);

    List<Delivery> d = deliver(AlertChannels.create(config.alerts(), new SecretResolver(env::get),
        Clock.systemUTC(), slept::add), m);

    assertThat(d).containsExactly(new Delivery("ops-matrix", null), new Delivery("admins-dm", null));
    assertThat(requests).extracting(Request::path).containsExactly(
        "/_matrix/client/v3/rooms/!kXzD8pQrTm:example.org/send/m.room.message/" + m.partKey(1),
        "/api/v1/statuses");
  }

  record Delivery(String channel, @org.jspecify.annotations.Nullable String error) {}

  /** Sends to every channel in turn, as the alert book does: one channel's failure never stops the next. */
  static List<Delivery> deliver(List<ChatChannel> channels, AlertMessage m) throws InterruptedException {
    List<Delivery> out = new java.util.ArrayList<>();
    for (ChatChannel c : channels) {
      try {
        c.send(m);
        out.add(new Delivery(c.name(), null));
      } catch (AlertDeliveryException e) {
        out.add(new Delivery(c.name(), e.getMessage()));
      }
    }
    return out;
  }
}
