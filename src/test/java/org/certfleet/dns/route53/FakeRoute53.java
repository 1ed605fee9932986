package org.certfleet.dns.route53;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Route 53's REST-XML API (version 2013-04-01) as far as the provider uses it, on 127.0.0.1: the four
 * operations with their documented paths, query parameters and XML shapes, every request's SigV4
 * signature verified with the test's secret key, and changes that are PENDING on the first GetChange
 * and INSYNC after. Anything unexpected is answered with an error and recorded in {@link #problems}.
 */
final class FakeRoute53 implements AutoCloseable {
  static final String NS = "https://route53.amazonaws.com/doc/2013-04-01/";
  private static final Pattern AUTH = Pattern.compile(
      "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})");
  private static final Pattern RRSET = Pattern.compile("/2013-04-01/hostedzone/([A-Z0-9]+)/rrset/?");
  private static final Pattern CHANGE = Pattern.compile("/2013-04-01/change/([A-Z0-9]+)");

  record Zone(String id, String name, boolean privateZone) {}

  record RecordSet(String name, String type, long ttl, List<String> values) {}

  record Failure(String method, Pattern path, int status, String code, String message) {}

  private final HttpServer server;
  private final String accessKeyId;
  private final String secretKey;
  private final List<Zone> zones = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, List<RecordSet>> records = Collections.synchronizedMap(new HashMap<>());
  private final Map<String, AtomicInteger> pendingPolls = Collections.synchronizedMap(new HashMap<>());
  private final AtomicInteger changeIds = new AtomicInteger();
  final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  final List<String> problems = Collections.synchronizedList(new ArrayList<>());
  final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
  volatile boolean neverInSync;
  volatile Failure failure;

  FakeRoute53(String accessKeyId, String secretKey) throws IOException {
    this.accessKeyId = accessKeyId;
    this.secretKey = secretKey;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  void zone(String id, String name, boolean privateZone) {
    zones.add(new Zone(id, name, privateZone));
    records.put(id, Collections.synchronizedList(new ArrayList<>()));
  }

  void record(String zoneId, String name, String type, long ttl, String... values) {
    records.get(zoneId).add(new RecordSet(name, type, ttl, List.of(values)));
  }

  /** The TXT values of {@code name}, without their quotes, or empty when there is no such set. */
  List<String> txt(String zoneId, String name) {
    synchronized (records.get(zoneId)) {
      return records.get(zoneId).stream().filter(r -> r.name().equals(name) && r.type().equals("TXT"))
          .flatMap(r -> r.values().stream()).map(v -> v.substring(1, v.length() - 1)).toList();
    }
  }

  Long ttl(String zoneId, String name) {
    return records.get(zoneId).stream().filter(r -> r.name().equals(name) && r.type().equals("TXT"))
        .map(RecordSet::ttl).findFirst().orElse(null);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getRawPath();
      Map<String, String> query = query(ex.getRequestURI().getRawQuery());
      requests.add(method + " " + path + (query.isEmpty() ? "" : " " + query));
      String signatureProblem = checkSignature(ex, body);
      if (signatureProblem != null) {
        problems.add(method + " " + path + ": " + signatureProblem);
        error(ex, 403, "SignatureDoesNotMatch", signatureProblem);
        return;
      }
      Failure f = failure;
      if (f != null && f.method().equals(method) && f.path().matcher(path).matches()) {
        error(ex, f.status(), f.code(), f.message());
        return;
      }
      Matcher m;
      if (method.equals("GET") && path.equals("/2013-04-01/hostedzonesbyname")) {
        listHostedZonesByName(ex, query);
      } else if (method.equals("GET") && (m = RRSET.matcher(path)).matches() && !path.endsWith("/")) {
        listResourceRecordSets(ex, m.group(1), query);
      } else if (method.equals("POST") && (m = RRSET.matcher(path)).matches()) {
        changeResourceRecordSets(ex, m.group(1), body);
      } else if (method.equals("GET") && (m = CHANGE.matcher(path)).matches()) {
        getChange(ex, m.group(1));
      } else {
        problems.add("unexpected request " + method + " " + path);
        error(ex, 404, "NotFound", "no such operation");
      }
    } catch (RuntimeException | IOException e) {
      problems.add(e.toString());
      throw e;
    }
  }

  private void listHostedZonesByName(HttpExchange ex, Map<String, String> query) throws IOException {
    // Zones in the order of their labels reversed (com.example.www), starting at dnsname.
    String start = query.getOrDefault("dnsname", "");
    int max = Integer.parseInt(query.getOrDefault("maxitems", "100"));
    List<Zone> sorted;
    synchronized (zones) {
      sorted = zones.stream().sorted(Comparator.comparing((Zone z) -> reversed(z.name())).thenComparing(Zone::id))
          .filter(z -> reversed(z.name()).compareTo(reversed(start)) >= 0)
          .toList();
    }
    StringBuilder b = new StringBuilder("<HostedZones>");
    for (Zone z : sorted.subList(0, Math.min(max, sorted.size()))) {
      b.append("<HostedZone><Id>/hostedzone/").append(z.id()).append("</Id><Name>").append(z.name())
          .append("</Name><CallerReference>ref-").append(z.id()).append("</CallerReference><Config><PrivateZone>")
          .append(z.privateZone()).append("</PrivateZone></Config><ResourceRecordSetCount>2</ResourceRecordSetCount>")
          .append("</HostedZone>");
    }
    b.append("</HostedZones><DNSName>").append(start).append("</DNSName><IsTruncated>").append(sorted.size() > max)
        .append("</IsTruncated><MaxItems>").append(max).append("</MaxItems>");
    reply(ex, 200, "ListHostedZonesByNameResponse", b.toString());
  }

  private void listResourceRecordSets(HttpExchange ex, String zoneId, Map<String, String> query) throws IOException {
    List<RecordSet> sets = records.get(zoneId);
    if (sets == null) {
      error(ex, 404, "NoSuchHostedZone", "No hosted zone found with ID: " + zoneId);
      return;
    }
    String name = query.getOrDefault("name", "");
    String type = query.getOrDefault("type", "");
    int max = Integer.parseInt(query.getOrDefault("maxitems", "300"));
    Comparator<RecordSet> order = Comparator.comparing((RecordSet r) -> reversed(r.name())).thenComparing(RecordSet::type);
    List<RecordSet> from;
    synchronized (sets) {
      from = sets.stream().sorted(order)
          .filter(r -> order.compare(r, new RecordSet(name, type, 0, List.of())) >= 0)
          .toList();
    }
    StringBuilder b = new StringBuilder("<ResourceRecordSets>");
    for (RecordSet r : from.subList(0, Math.min(max, from.size()))) {
      b.append("<ResourceRecordSet><Name>").append(r.name()).append("</Name><Type>").append(r.type())
          .append("</Type><TTL>").append(r.ttl()).append("</TTL><ResourceRecords>");
      r.values().forEach(v -> b.append("<ResourceRecord><Value>").append(xml(v)).append("</Value></ResourceRecord>"));
      b.append("</ResourceRecords></ResourceRecordSet>");
    }
    b.append("</ResourceRecordSets><IsTruncated>").append(from.size() > max).append("</IsTruncated>");
    if (from.size() > max) {
      RecordSet next = from.get(max);
      b.append("<NextRecordName>").append(next.name()).append("</NextRecordName><NextRecordType>").append(next.type())
          .append("</NextRecordType>");
    }
    b.append("<MaxItems>").append(max).append("</MaxItems>");
    reply(ex, 200, "ListResourceRecordSetsResponse", b.toString());
  }

  private void changeResourceRecordSets(HttpExchange ex, String zoneId, byte[] body) throws IOException {
    List<RecordSet> sets = records.get(zoneId);
    if (sets == null) {
      error(ex, 404, "NoSuchHostedZone", "No hosted zone found with ID: " + zoneId);
      return;
    }
    Document doc;
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
    } catch (Exception e) {
      problems.add("change body is not XML: " + e);
      error(ex, 400, "MalformedInput", "not XML");
      return;
    }
    Element root = doc.getDocumentElement();
    if (!"ChangeResourceRecordSetsRequest".equals(root.getLocalName()) || !NS.equals(root.getNamespaceURI())) {
      problems.add("change body root is {" + root.getNamespaceURI() + "}" + root.getLocalName());
      error(ex, 400, "MalformedInput", "wrong root element");
      return;
    }
    NodeList changes = root.getElementsByTagNameNS(NS, "Change");
    if (changes.getLength() == 0) {
      problems.add("change batch without changes");
    }
    synchronized (sets) {
      List<RecordSet> next = new ArrayList<>(sets);
      for (int i = 0; i < changes.getLength(); i++) {
        Element c = (Element) changes.item(i);
        String action = text(c, "Action");
        Element set = (Element) c.getElementsByTagNameNS(NS, "ResourceRecordSet").item(0);
        List<String> values = new ArrayList<>();
        NodeList vs = set.getElementsByTagNameNS(NS, "Value");
        for (int j = 0; j < vs.getLength(); j++) {
          values.add(vs.item(j).getTextContent());
        }
        RecordSet r = new RecordSet(text(set, "Name").toLowerCase(Locale.ROOT), text(set, "Type"),
            Long.parseLong(text(set, "TTL")), values);
        if (values.stream().anyMatch(v -> !v.matches("\"([^\"\\\\]|\\\\.)*\""))) {
          error(ex, 400, "InvalidChangeBatch", "Invalid Resource Record: FATAL problem: InvalidCharacterString (Value"
              + " should be enclosed in quotation marks) encountered with '" + values + "'");
          return;
        }
        RecordSet existing = next.stream().filter(e -> e.name().equals(r.name()) && e.type().equals(r.type()))
            .findFirst().orElse(null);
        switch (action) {
          case "UPSERT" -> {
            next.remove(existing);
            next.add(r);
          }
          case "CREATE" -> {
            if (existing != null) {
              error(ex, 400, "InvalidChangeBatch", "Tried to create resource record set [name='" + r.name() + "', type='"
                  + r.type() + "'] but it already exists");
              return;
            }
            next.add(r);
          }
          case "DELETE" -> {
            // The real service wraps this one in an <InvalidChangeBatch> document; the code is the same.
            if (existing == null || existing.ttl() != r.ttl()
                || !new java.util.HashSet<>(existing.values()).equals(new java.util.HashSet<>(r.values()))) {
              error(ex, 400, "InvalidChangeBatch", "Tried to delete resource record set [name='" + r.name()
                  + "', type='" + r.type() + "'] but the values provided do not match the current values");
              return;
            }
            next.remove(existing);
          }
          default -> {
            problems.add("unknown action " + action);
            error(ex, 400, "InvalidInput", "unknown action");
            return;
          }
        }
      }
      sets.clear();
      sets.addAll(next);
    }
    String id = "C" + String.format("%08d", changeIds.incrementAndGet());
    pendingPolls.put(id, new AtomicInteger(1));
    reply(ex, 200, "ChangeResourceRecordSetsResponse", changeInfo(id, "PENDING"));
  }

  private void getChange(HttpExchange ex, String id) throws IOException {
    AtomicInteger pending = pendingPolls.get(id);
    if (pending == null) {
      error(ex, 404, "NoSuchChange", "A change with the specified change ID does not exist.");
      return;
    }
    boolean inSync = !neverInSync && pending.getAndDecrement() <= 0;
    reply(ex, 200, "GetChangeResponse", changeInfo(id, inSync ? "INSYNC" : "PENDING"));
  }

  private static String changeInfo(String id, String status) {
    return "<ChangeInfo><Id>/change/" + id + "</Id><Status>" + status
        + "</Status><SubmittedAt>2026-11-22T10:00:00.000Z</SubmittedAt><Comment>certfleet</Comment></ChangeInfo>";
  }

  /** Recomputes the SigV4 signature from the request as received; null when it matches. */
  private String checkSignature(HttpExchange ex, byte[] body) {
    Headers h = ex.getRequestHeaders();
    String auth = h.getFirst("Authorization");
    String amzDate = h.getFirst("X-Amz-Date");
    authorizations.add(String.valueOf(auth));
    if (auth == null || amzDate == null) {
      return "Authorization or X-Amz-Date missing";
    }
    Matcher m = AUTH.matcher(auth);
    if (!m.matches()) {
      return "malformed Authorization header";
    }
    if (!m.group(1).equals(accessKeyId) || !m.group(3).equals("us-east-1") || !m.group(4).equals("route53")
        || !amzDate.startsWith(m.group(2))) {
      return "credential scope " + m.group(1) + "/" + m.group(2) + "/" + m.group(3) + "/" + m.group(4);
    }
    List<String> signed = List.of(m.group(5).split(";"));
    if (!signed.contains("host") || !signed.contains("x-amz-date")) {
      return "host and x-amz-date must be signed";
    }
    StringBuilder canonicalHeaders = new StringBuilder();
    for (String name : signed) {
      List<String> values = h.get(name);
      if (values == null) {
        return "signed header " + name + " missing";
      }
      canonicalHeaders.append(name).append(':')
          .append(String.join(",", values.stream().map(v -> v.strip().replaceAll("\\s+", " ")).toList())).append('\n');
    }
    TreeMap<String, String> sortedQuery = new TreeMap<>();
    query(ex.getRequestURI().getRawQuery()).forEach((k, v) -> sortedQuery.put(encode(k), encode(v)));
    String canonicalQuery = String.join("&", sortedQuery.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    String canonicalRequest = ex.getRequestMethod() + "\n" + ex.getRequestURI().getRawPath() + "\n" + canonicalQuery + "\n"
        + canonicalHeaders + "\n" + m.group(5) + "\n" + hex(sha256(body));
    String scope = m.group(2) + "/us-east-1/route53/aws4_request";
    String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
        + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), m.group(2));
    key = hmac(key, "us-east-1");
    key = hmac(key, "route53");
    key = hmac(key, "aws4_request");
    String expected = hex(hmac(key, toSign));
    return expected.equals(m.group(6)) ? null : "signature does not match";
  }

  private void error(HttpExchange ex, int status, String code, String message) throws IOException {
    reply(ex, status, "ErrorResponse", "<Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + xml(message)
        + "</Message></Error><RequestId>0b9d4ed4-7b2c-4c6a-8f0e-6d2b5f1f2c3a</RequestId>");
  }

  private static void reply(HttpExchange ex, int status, String root, String inner) throws IOException {
    byte[] out = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + root + " xmlns=\"" + NS + "\">" + inner + "</" + root + ">")
        .getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "text/xml");
    ex.getResponseHeaders().add("x-amzn-RequestId", "0b9d4ed4-7b2c-4c6a-8f0e-6d2b5f1f2c3a");
    ex.sendResponseHeaders(status, out.length);
    ex.getResponseBody().write(out);
  }

  private static String text(Element parent, String name) {
    return parent.getElementsByTagNameNS(NS, name).item(0).getTextContent();
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      q.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return q;
  }

  /** RFC 3986 percent-encoding of everything but the unreserved characters, as SigV4 wants. */
  private static String encode(String s) {
    StringBuilder b = new StringBuilder();
    for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
        b.append((char) c);
      } else {
        b.append('%').append(String.format("%02X", c & 0xff));
      }
    }
    return b.toString();
  }

  private static String reversed(String name) {
    List<String> labels = new ArrayList<>(List.of(name.toLowerCase(Locale.ROOT).replaceAll("\\.$", "").split("\\.")));
    Collections.reverse(labels);
    return String.join(".", labels);
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
