package org.certfleet.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.certfleet.web.Fleets.NOW;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.certfleet.metrics.CertfleetMetrics;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoints over real HTTP on 127.0.0.1 with an ephemeral port. */
class StatusServerTest {
  static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  final AtomicReference<StatusSnapshot> snapshot = new AtomicReference<>(Fleets.fleet());
  final CertfleetMetrics metrics = new CertfleetMetrics();
  StatusServer server;

  @BeforeEach
  void start() throws IOException {
    server = StatusServer.start(new InetSocketAddress("127.0.0.1", 0), snapshot::get, metrics, new StatusPage());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void boundToTheAskedAddressWithTheRealPort() {
    assertThat(server.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(server.address().getPort()).isPositive();
  }

  @Test
  void healthzOk() throws Exception {
    HttpResponse<String> r = get("/healthz");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
  }

  @Test
  void healthzDegradedWhileTheSchedulerRuns() throws Exception {
    snapshot.set(with(true, "database \"certfleet\" unreachable", NOW.minusSeconds(60), true));

    HttpResponse<String> r = get("/healthz");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"status\":\"degraded\",\"reason\":\"database \\\"certfleet\\\" unreachable\"}");
  }

  @Test
  void healthzDownWithoutScheduler() throws Exception {
    snapshot.set(with(false, null, NOW.minusSeconds(60), true));
    assertThat(get("/healthz")).extracting(HttpResponse::statusCode, HttpResponse::body)
        .containsExactly(503, "{\"status\":\"down\",\"reason\":\"scheduler is not running\"}");

    snapshot.set(with(false, "disk full", NOW.minusSeconds(60), true));
    assertThat(get("/healthz").body()).isEqualTo("{\"status\":\"down\",\"reason\":\"scheduler is not running; disk full\"}");
  }

  @Test
  void readyzReadyWhenTheLastCycleSucceededRecently() throws Exception {
    snapshot.set(with(true, null, NOW.minus(Duration.ofMinutes(59)), true));

    HttpResponse<String> r = get("/readyz");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body()).isEqualTo("{\"status\":\"ready\",\"lastCycleFinished\":\"2026-11-22T09:01:00Z\"}");
  }

  @Test
  void readyzStale() throws Exception {
    snapshot.set(with(true, null, NOW.minus(Duration.ofMinutes(61)), true));

    HttpResponse<String> r = get("/readyz");

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body()).isEqualTo("{\"status\":\"not ready\",\"reason\":\"the last successful cycle finished"
        + " 2026-11-22 08:59:00Z, 1 h 1 min ago, more than the 1 h allowed\"}");
  }

  @Test
  void readyzNeverOrFailed() throws Exception {
    snapshot.set(with(true, null, null, false));
    assertThat(get("/readyz")).extracting(HttpResponse::statusCode, HttpResponse::body)
        .containsExactly(503, "{\"status\":\"not ready\",\"reason\":\"no cycle has finished since the daemon started\"}");

    snapshot.set(with(true, null, NOW.minusSeconds(60), false));
    assertThat(get("/readyz")).extracting(HttpResponse::statusCode, HttpResponse::body)
        .containsExactly(503, "{\"status\":\"not ready\",\"reason\":\"the last cycle failed (finished 2026-11-22 09:59:00Z)\"}");
  }

  @Test
  void metricsInTheTextFormat() throws Exception {
    metrics.alertDelivery("ops", true);

    HttpResponse<String> r = get("/metrics");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(r.body()).contains("certfleet_alert_deliveries_total{channel=\"ops\",result=\"success\"} 1.0\n");
  }

  @Test
  void statusPageAsHtmlThatMayLoadNothing() throws Exception {
    HttpResponse<String> r = get("/");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(r.headers().firstValue("Content-Security-Policy")).hasValue(StatusServer.PAGE_POLICY);
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.body()).startsWith("<!DOCTYPE html>").contains("media.hachyderm.io");
  }

  @Test
  void headAnswersLikeGetWithoutABody() throws Exception {
    HttpResponse<String> get = get("/");
    HttpResponse<String> head = send("HEAD", "/");

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(head.headers().firstValue("Content-Length")).hasValue(Integer.toString(get.body().getBytes(StandardCharsets.UTF_8).length));
  }

  @Test
  void unknownPathsAre404() throws Exception {
    for (String path : List.of("/nope", "/metrics/", "/healthz/x", "/index.html", "/%3Cscript%3E")) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
      assertThat(r.body()).doesNotContain("script");
    }
    assertThat(send("POST", "/nope").statusCode()).isEqualTo(404);
  }

  @Test
  void otherMethodsAre405() throws Exception {
    for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS", "PATCH")) {
      HttpResponse<String> r = send(method, "/healthz");
      assertThat(r.statusCode()).as(method).isEqualTo(405);
      assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }
    assertThat(send("POST", "/").statusCode()).isEqualTo(405);
    assertThat(send("POST", "/metrics").statusCode()).isEqualTo(405);
  }

  @Test
  void aFailingSourceIs500WithoutItsMessage() throws Exception {
    server.close();
    server = StatusServer.start(new InetSocketAddress("127.0.0.1", 0), () -> {
      throw new IllegalStateException("password=hunter2");
    }, metrics, new StatusPage());

    for (String path : List.of("/", "/healthz", "/readyz")) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(500);
      assertThat(r.body()).doesNotContain("hunter2");
    }
    assertThat(get("/metrics").statusCode()).isEqualTo(200); // metrics do not need the source
  }

  @Test
  void aBusyPoolClosesSurplusConnectionsAndRecovers() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.close();
    server = StatusServer.start(new InetSocketAddress("127.0.0.1", 0), () -> {
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return snapshot.get();
    }, metrics, new StatusPage());

    int requests = StatusServer.THREADS + StatusServer.QUEUE + 20;
    List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      pending.add(CLIENT.sendAsync(request("GET", "/healthz"), HttpResponse.BodyHandlers.ofString()));
    }
    Thread.sleep(2000); // let the dispatcher accept them all; the blocked source holds the pool
    release.countDown();
    int ok = 0;
    int refused = 0;
    for (CompletableFuture<HttpResponse<String>> f : pending) {
      try {
        if (f.get(30, TimeUnit.SECONDS).statusCode() == 200) {
          ok++;
        }
      } catch (java.util.concurrent.ExecutionException e) {
        refused++;
      }
    }
    assertThat(ok).isBetween(StatusServer.THREADS, StatusServer.THREADS + StatusServer.QUEUE);
    assertThat(ok + refused).isEqualTo(requests);
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void closedMeansClosed() {
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/healthz");
    server.close();

    assertThatThrownBy(() -> CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
  }

  @Test
  void aTakenPortIsNamedInTheError() {
    InetSocketAddress taken = server.address();

    assertThatThrownBy(() -> StatusServer.start(taken, snapshot::get, metrics, new StatusPage()))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("status server: cannot listen on " + taken + ": ");
  }

  // ---- helpers --------------------------------------------------------------------------------

  static StatusSnapshot with(boolean running, @Nullable String degraded, @Nullable Instant finished, boolean ok) {
    return new StatusSnapshot(NOW, running, degraded, finished == null ? null : finished.minusSeconds(30), finished,
        ok, Duration.ofHours(1), null, List.of(), List.of());
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send("GET", path);
  }

  HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
    return CLIENT.send(request(method, path), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest request(String method, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody())
        .build();
  }
}
