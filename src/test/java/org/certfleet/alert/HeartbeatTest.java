package org.certfleet.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.certfleet.config.AlertConfig;
import org.certfleet.config.PluginSpec;
import org.certfleet.config.SecretRef;
import org.certfleet.config.SecretResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The heartbeat against a local server standing in for healthchecks.io, and the Alertmanager "resolved" shape. */
class HeartbeatTest {
  HttpServer server;
  final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger failFirst = new AtomicInteger();
  final List<Duration> slept = new ArrayList<>();
  String base;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> {
      requests.add(ex.getRequestMethod() + " " + ex.getRequestURI());
      bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      int status = failFirst.getAndDecrement() > 0 ? 503 : 200;
      byte[] out = "OK".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status, out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  Heartbeat heartbeat(String url) {
    return new Heartbeat(SecretRef.parse("${env:HC}").orElseThrow(), new SecretResolver(Map.of("HC", url)::get), slept::add);
  }

  @Test
  void pingsStartSuccessAndFailInTheHealthchecksConvention() throws Exception {
    Heartbeat hb = heartbeat(base + "/ping/5f0c-uuid/");
    hb.start();
    hb.success("2 certificates, 0 findings");
    hb.fail("renewal failed");
    assertThat(requests).containsExactly("POST /ping/5f0c-uuid/start", "POST /ping/5f0c-uuid", "POST /ping/5f0c-uuid/fail");
    assertThat(bodies.get(1)).contains("2 certificates, 0 findings");
  }

  @Test
  void aQueryStringStaysAfterTheSuffixAndAFailedPingIsRetriedThenNeverThrows() throws Exception {
    failFirst.set(1);
    heartbeat(base + "/ping/abc?rid=1").fail("x");
    assertThat(requests).containsExactly("POST /ping/abc/fail?rid=1", "POST /ping/abc/fail?rid=1");
    assertThat(slept).hasSize(1);
    failFirst.set(10);
    heartbeat(base + "/ping/abc").success("y"); // every attempt fails: logged, not thrown
    assertThat(requests).hasSize(5);
  }

  @Test
  void withoutAUrlNothingIsSent() throws Exception {
    Heartbeat hb = new Heartbeat(null, new SecretResolver(k -> null), slept::add);
    hb.start();
    hb.success("ok");
    assertThat(hb.configured()).isFalse();
    assertThat(requests).isEmpty();
  }

  @Test
  void theAlertmanagerWebhookSaysResolvedWhenTheProblemCleared() throws Exception {
    AlertConfig cfg = new AlertConfig(Duration.ofDays(14), Duration.ofHours(24), null,
        List.of(new PluginSpec("am", "webhook", Map.of("url", "${env:HOOK}"))));
    ChatChannel c = AlertChannels.create(cfg, new SecretResolver(Map.of("HOOK", base + "/hook")::get),
        Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC), slept::add).get(0);
    c.send(new AlertMessage("id-1", "EXPIRING:a", "warning", "[RESOLVED] a", List.of(), true));
    assertThat(bodies.get(0)).contains("\"status\":\"resolved\"").contains("\"endsAt\":\"2026-11-22T10:00:00Z\"")
        .doesNotContain("firing");
  }
}
