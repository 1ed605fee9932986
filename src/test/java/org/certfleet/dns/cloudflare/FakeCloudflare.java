package org.certfleet.dns.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cloudflare's API v4 on 127.0.0.1, as far as the provider uses it: zones by name, DNS record
 * create / list / delete, Bearer authentication, and the v4 envelope ({@code success}, {@code
 * errors}, {@code messages}, {@code result}) on every answer, errors included. Anything unexpected
 * is recorded in {@link #problems}.
 */
final class FakeCloudflare implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RECORDS = Pattern.compile("/client/v4/zones/([0-9a-f]{32})/dns_records");
  private static final Pattern RECORD = Pattern.compile("/client/v4/zones/([0-9a-f]{32})/dns_records/([0-9a-f]{32})");

  record Zone(String id, String name) {}

  record Rec(String id, String zoneId, String type, String name, String content, int ttl) {}

  private final HttpServer server;
  private final String token;
  private final List<Zone> zones = Collections.synchronizedList(new ArrayList<>());
  final List<Rec> records = Collections.synchronizedList(new ArrayList<>());
  final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  final List<JsonNode> createBodies = Collections.synchronizedList(new ArrayList<>());
  final List<String> problems = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger ids = new AtomicInteger();
  /** When set, every create answers with this status and error instead. */
  volatile Object[] failCreate;

  FakeCloudflare(String token) throws IOException {
    this.token = token;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/client/v4";
  }

  void zone(String id, String name) {
    zones.add(new Zone(id, name));
  }

  List<String> txt(String name) {
    synchronized (records) {
      return records.stream().filter(r -> r.type().equals("TXT") && r.name().equals(name)).map(Rec::content).toList();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getRawPath();
      Map<String, String> query = query(ex.getRequestURI().getRawQuery());
      byte[] body = ex.getRequestBody().readAllBytes();
      requests.add(method + " " + path + (query.isEmpty() ? "" : " " + query));
      if (path.startsWith("/proxy/")) {
        // What a proxy in front of the API may answer: not an envelope at all.
        byte[] out = "<html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/html");
        ex.sendResponseHeaders(502, out.length);
        ex.getResponseBody().write(out);
        return;
      }
      if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        reply(ex, 403, false, null, 10000, "Authentication error");
        return;
      }
      Matcher m;
      if (method.equals("GET") && path.equals("/client/v4/zones")) {
        ArrayNode result = JSON.createArrayNode();
        synchronized (zones) {
          zones.stream().filter(z -> z.name().equals(query.get("name")))
              .forEach(z -> result.addObject().put("id", z.id()).put("name", z.name()).put("status", "active"));
        }
        reply(ex, 200, true, result, 0, null);
      } else if (method.equals("POST") && (m = RECORDS.matcher(path)).matches()) {
        create(ex, m.group(1), body);
      } else if (method.equals("GET") && (m = RECORDS.matcher(path)).matches()) {
        String zoneId = m.group(1);
        ArrayNode result = JSON.createArrayNode();
        synchronized (records) {
          records.stream()
              .filter(r -> r.zoneId().equals(zoneId))
              .filter(r -> !query.containsKey("type") || r.type().equals(query.get("type")))
              .filter(r -> !query.containsKey("name") || r.name().equals(query.get("name")))
              .filter(r -> !query.containsKey("content") || r.content().equals(query.get("content")))
              .forEach(r -> result.add(json(r)));
        }
        reply(ex, 200, true, result, 0, null);
      } else if (method.equals("DELETE") && (m = RECORD.matcher(path)).matches()) {
        String zoneId = m.group(1);
        String id = m.group(2);
        boolean removed = records.removeIf(r -> r.id().equals(id) && r.zoneId().equals(zoneId));
        if (removed) {
          reply(ex, 200, true, JSON.createObjectNode().put("id", id), 0, null);
        } else {
          reply(ex, 404, false, null, 81044, "Record does not exist.");
        }
      } else {
        problems.add("unexpected request " + method + " " + path);
        reply(ex, 404, false, null, 7003, "Could not route to " + path + ", perhaps your object identifier is invalid?");
      }
    } catch (RuntimeException | IOException e) {
      problems.add(e.toString());
      throw e;
    }
  }

  private void create(HttpExchange ex, String zoneId, byte[] body) throws IOException {
    if (!"application/json".equals(ex.getRequestHeaders().getFirst("Content-Type"))) {
      problems.add("create without Content-Type application/json");
    }
    JsonNode b = JSON.readTree(body);
    createBodies.add(b);
    if (!b.isObject() || !Set.of("type", "name", "content", "ttl").containsAll(iterable(b))
        || !b.path("type").isTextual() || !b.path("name").isTextual() || !b.path("content").isTextual()
        || !b.path("ttl").isInt()) {
      problems.add("create body " + b);
      reply(ex, 400, false, null, 9005, "Content for TXT record is invalid.");
      return;
    }
    Object[] fail = failCreate;
    if (fail != null) {
      reply(ex, (Integer) fail[0], false, null, (Integer) fail[1], (String) fail[2]);
      return;
    }
    int ttl = b.get("ttl").asInt();
    if (ttl != 1 && (ttl < 60 || ttl > 86400)) {
      reply(ex, 400, false, null, 9021, "Invalid TTL. Must be between 60 and 86400 seconds, or 1 for Automatic.");
      return;
    }
    Rec r = new Rec(String.format("%032x", ids.incrementAndGet()), zoneId, b.get("type").asText(), b.get("name").asText(),
        b.get("content").asText(), ttl);
    synchronized (records) {
      if (records.stream().anyMatch(e -> e.zoneId().equals(zoneId) && e.type().equals(r.type())
          && e.name().equals(r.name()) && e.content().equals(r.content()))) {
        reply(ex, 400, false, null, 81058, "An identical record already exists.");
        return;
      }
      records.add(r);
    }
    reply(ex, 200, true, json(r), 0, null);
  }

  private static List<String> iterable(JsonNode b) {
    List<String> names = new ArrayList<>();
    b.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static ObjectNode json(Rec r) {
    ObjectNode n = JSON.createObjectNode().put("id", r.id()).put("zone_id", r.zoneId()).put("type", r.type())
        .put("name", r.name()).put("content", r.content()).put("ttl", r.ttl()).put("proxiable", false)
        .put("proxied", false);
    n.putObject("meta");
    return n;
  }

  private static void reply(HttpExchange ex, int status, boolean success, JsonNode result, int code, String message)
      throws IOException {
    ObjectNode env = JSON.createObjectNode();
    env.put("success", success);
    ArrayNode errors = env.putArray("errors");
    if (message != null) {
      errors.addObject().put("code", code).put("message", message);
    }
    env.putArray("messages");
    if (result != null) {
      env.set("result", result);
    } else {
      env.putNull("result");
    }
    if (result != null && result.isArray()) {
      env.putObject("result_info").put("page", 1).put("per_page", 100).put("count", result.size())
          .put("total_count", result.size());
    }
    byte[] out = env.toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, out.length);
    ex.getResponseBody().write(out);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      q.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return q;
  }
}
