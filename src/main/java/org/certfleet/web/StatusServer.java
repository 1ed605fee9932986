package org.certfleet.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.certfleet.metrics.CertfleetMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP endpoints on the JDK's built-in server.
 *
 * <ul>
 *   <li>{@code GET /metrics}: {@link CertfleetMetrics#writeText}, {@value #METRICS_TYPE}.
 *   <li>{@code GET /healthz}: is the process doing its job? 200 {@code {"status":"ok"}}, or 200 {@code
 *       {"status":"degraded","reason":…}} while the scheduler runs but something it needs is missing;
 *       503 {@code {"status":"down",…}} when the scheduler is not running.
 *   <li>{@code GET /readyz}: 200 when the last cycle succeeded and finished within {@link
 *       StatusSnapshot#readyWithin()}, else 503 with the reason ({@link StatusSnapshot#notReadyBecause()}).
 *   <li>{@code GET /}: the {@link StatusPage}.
 *   <li>Any other path 404; a method other than GET or HEAD 405 with {@code Allow: GET, HEAD}; a source
 *       that throws 500 with a generic body (the cause is logged, not sent).
 * </ul>
 *
 * <p>Requests run on a small bounded pool; when it and its queue are full, new connections are closed
 * rather than queued without limit. The JDK server reads its request and response time limits from
 * system properties once per JVM; {@link #start} sets {@value #MAX_REQUEST_TIME} to 10 s and {@value
 * #MAX_RESPONSE_TIME} to 30 s unless already set (its default is to wait for a slow client forever).
 * They take effect only if no JDK {@code HttpServer} was created in this JVM before.
 */
public final class StatusServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusServer.class);

  public static final String METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  static final String JSON_TYPE = "application/json";
  static final String HTML_TYPE = "text/html; charset=utf-8";
  static final String MAX_REQUEST_TIME = "sun.net.httpserver.maxReqTime";
  static final String MAX_RESPONSE_TIME = "sun.net.httpserver.maxRspTime";
  static final int THREADS = 4;
  static final int QUEUE = 32;
  /** Inline CSS only: no script, image, font, frame or form may load, whatever a value might contain. */
  static final String PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none';"
      + " form-action 'none'; frame-ancestors 'none'";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ThreadPoolExecutor pool;
  private final StatusSource status;
  private final CertfleetMetrics metrics;
  private final StatusPage page;

  private StatusServer(HttpServer server, ThreadPoolExecutor pool, StatusSource status, CertfleetMetrics metrics,
      StatusPage page) {
    this.server = server;
    this.pool = pool;
    this.status = status;
    this.metrics = metrics;
    this.page = page;
  }

  /**
   * Binds {@code address} and starts serving. Use 127.0.0.1 unless the port is meant to be reachable
   * from other hosts: the endpoints have no authentication.
   *
   * @throws IOException when the address cannot be bound; the message names it
   */
  public static StatusServer start(InetSocketAddress address, StatusSource status, CertfleetMetrics metrics,
      StatusPage page) throws IOException {
    Objects.requireNonNull(address, "address");
    setIfAbsent(MAX_REQUEST_TIME, "10");
    setIfAbsent(MAX_RESPONSE_TIME, "30");
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new IOException("status server: cannot listen on " + address + ": " + e.getMessage(), e);
    }
    ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(QUEUE), threads(), new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    StatusServer s = new StatusServer(server, pool, Objects.requireNonNull(status, "status"),
        Objects.requireNonNull(metrics, "metrics"), Objects.requireNonNull(page, "page"));
    server.createContext("/", s::handle);
    server.setExecutor(pool);
    server.start();
    log.info("status server listening on http://{}:{}/", server.getAddress().getHostString(),
        server.getAddress().getPort());
    return s;
  }

  /** The address actually bound, with the real port when 0 was asked for. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Stops listening, ends exchanges in progress and waits up to 5 s for the pool's threads. */
  @Override
  public void close() {
    server.stop(0);
    pool.shutdown();
    try {
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** One reply, fully rendered before anything is sent, so its length is known and a failure can still be a 500. */
  record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    static Response json(int status, Map<String, String> fields) {
      try {
        return new Response(status, JSON_TYPE, JSON.writeValueAsBytes(fields), Map.of());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("status server: cannot write JSON for " + fields.keySet(), e);
      }
    }

    static Response text(int status, String text) {
      return new Response(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
    }
  }

  private void handle(HttpExchange ex) {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getPath();
    try {
      Response r;
      try {
        r = respond(method, path);
      } catch (RuntimeException e) {
        log.error("status server: {} {} failed", method, path, e);
        r = Response.text(500, "internal error, see the daemon's log\n");
      }
      send(ex, r, "HEAD".equals(method));
    } catch (IOException e) {
      log.debug("status server: {} {}: client went away: {}", method, path, e.getMessage());
    } finally {
      ex.close();
    }
  }

  Response respond(String method, String path) {
    if (!(path.equals("/") || path.equals("/metrics") || path.equals("/healthz") || path.equals("/readyz"))) {
      return Response.text(404, "not found; try /, /metrics, /healthz or /readyz\n");
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      Response r = Response.text(405, method + " not allowed; use GET or HEAD\n");
      return new Response(r.status(), r.contentType(), r.body(), Map.of("Allow", "GET, HEAD"));
    }
    return switch (path) {
      case "/metrics" -> metrics();
      case "/healthz" -> health(status.snapshot());
      case "/readyz" -> ready(status.snapshot());
      default -> new Response(200, HTML_TYPE, page.render(status.snapshot()).getBytes(StandardCharsets.UTF_8),
          Map.of("Content-Security-Policy", PAGE_POLICY, "Referrer-Policy", "no-referrer"));
    };
  }

  private Response metrics() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      metrics.writeText(out);
    } catch (IOException e) {
      throw new UncheckedIOException("status server: cannot write metrics", e); // a byte array does not fail
    }
    return new Response(200, METRICS_TYPE, out.toByteArray(), Map.of());
  }

  static Response health(StatusSnapshot s) {
    Map<String, String> body = new LinkedHashMap<>();
    if (!s.schedulerRunning()) {
      body.put("status", "down");
      body.put("reason", "scheduler is not running" + (s.degraded() == null ? "" : "; " + s.degraded()));
      return Response.json(503, body);
    }
    if (s.degraded() != null) {
      body.put("status", "degraded");
      body.put("reason", s.degraded());
      return Response.json(200, body);
    }
    body.put("status", "ok");
    return Response.json(200, body);
  }

  static Response ready(StatusSnapshot s) {
    Map<String, String> body = new LinkedHashMap<>();
    String notReady = s.notReadyBecause();
    if (notReady != null) {
      body.put("status", "not ready");
      body.put("reason", notReady);
      return Response.json(503, body);
    }
    body.put("status", "ready");
    body.put("lastCycleFinished", String.valueOf(s.lastCycleFinished()));
    return Response.json(200, body);
  }

  private static void send(HttpExchange ex, Response r, boolean head) throws IOException {
    var headers = ex.getResponseHeaders();
    headers.set("Content-Type", r.contentType());
    headers.set("Cache-Control", "no-store");
    headers.set("X-Content-Type-Options", "nosniff");
    r.headers().forEach(headers::set);
    if (head) {
      // The JDK server sends no body for HEAD and wants -1 here; the length is stated by hand.
      headers.set("Content-Length", Integer.toString(r.body().length));
      ex.sendResponseHeaders(r.status(), -1);
      return;
    }
    ex.sendResponseHeaders(r.status(), r.body().length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(r.body());
    }
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  private static ThreadFactory threads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "certfleet-status-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
