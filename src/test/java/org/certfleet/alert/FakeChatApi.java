package org.certfleet.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Function;
import org.certfleet.time.Sleeper;

/**
 * A chat API on 127.0.0.1 (a real JDK {@link HttpServer} on an ephemeral port) that records every
 * request and answers from a queue of replies, or with {@link #fallback} when the queue is empty. Its
 * {@link #sleeper()} records waits instead of sleeping.
 */
final class FakeChatApi implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One request as received; {@code rawPath} is still percent-encoded, header names are case-insensitive. */
  record Request(String method, String rawPath, String query, Map<String, String> headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String header(String name) {
      return headers.get(name);
    }
  }

  record Reply(int status, String body, Map<String, String> headers) {
    Reply(int status, String body) {
      this(status, body, Map.of());
    }
  }

  final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  final Deque<Reply> replies = new ConcurrentLinkedDeque<>();
  final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());
  volatile Function<Request, Reply> fallback = r -> new Reply(200, "{}");
  private final HttpServer server;

  FakeChatApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> {
      byte[] in = ex.getRequestBody().readAllBytes();
      Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k, v.get(0)));
      Request req = new Request(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), ex.getRequestURI().getRawQuery(),
          headers, new String(in, StandardCharsets.UTF_8));
      requests.add(req);
      Reply r = replies.isEmpty() ? fallback.apply(req) : replies.poll();
      r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(r.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        ex.getResponseBody().write(out);
      }
      ex.close();
    });
    server.start();
  }

  /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
  String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  Sleeper sleeper() {
    return slept::add;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
