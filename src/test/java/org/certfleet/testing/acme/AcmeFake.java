package org.certfleet.testing.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.certfleet.acme.Dns01Solver;
import org.certfleet.cert.Pem;
import org.certfleet.testing.TestCertificates;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignature;

/**
 * A small in-process ACME CA (RFC 8555 + RFC 9773 ARI + profiles) on 127.0.0.1 over HTTPS, for
 * driving the real acme4j client without Pebble or a network. It checks what a strict CA checks
 * (JWS signature with jose4j, the protected header's url, nonce and kid/jwk, replay of nonces, the
 * CSR's names, the dns-01 digest in its own in-memory DNS view) and records what it received, and it
 * has switches for the faults a client must survive.
 *
 * <pre>{@code
 * try (AcmeFake ca = AcmeFake.start(dir, clock)) {
 *   AcmeConfig acme = new AcmeConfig(ca.directory(), "ops@example", true, KeyType.EC_P256, null, null, ca.tlsCaFile());
 *   ... issue with ca.solver() ...
 *   assertThat(ca.orders()).extracting(AcmeFake.OrderSeen::replaces)...
 * }
 * }</pre>
 *
 * Certificates are dated by the injected clock; every wait in it is bounded. Thread-safe: one lock
 * guards all state.
 */
public final class AcmeFake implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ERR = "urn:ietf:params:acme:error:";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A newOrder request as the fake received it. */
  public record OrderSeen(List<String> identifiers, String replaces, String profile) {}

  /** What the renewalInfo endpoint answers for one certificate. */
  public record Window(Instant start, Instant end, String explanationUrl) {}

  private final HttpsServer server;
  private final ExecutorService executor;
  private final Clock clock;
  private final Path tlsCaFile;
  private final TestCertificates issuer = TestCertificates.ca("AcmeFake root").intermediate("AcmeFake R1");
  private final String base;

  // ---- state (guarded by this) ----
  private final Set<String> nonces = new HashSet<>();
  private final Map<String, Account> accounts = new LinkedHashMap<>();
  private final Map<Integer, Order> orderById = new HashMap<>();
  private final Map<Integer, Authz> authzById = new HashMap<>();
  private final Map<String, Issued> issuedByCertId = new HashMap<>();
  private final Map<Integer, Issued> issuedById = new HashMap<>();
  private final Map<String, Set<String>> txt = new ConcurrentHashMap<>();
  private final List<OrderSeen> ordersSeen = new CopyOnWriteArrayList<>();
  private final List<String> renewalInfoRequests = new CopyOnWriteArrayList<>();
  private final Set<String> preValidated = new HashSet<>();
  private final Map<String, Duration> rateLimited = new HashMap<>();
  private int nextId = 1;
  private int badNoncesToSend;
  private int badNoncesSent;
  private int finalizeErrors;
  private int downloadErrors;
  private boolean renewalInfoFails;
  private boolean ari = true;
  private Map<String, String> profiles = new LinkedHashMap<>(Map.of("classic", "90 days", "shortlived", "6 days"));
  private Duration validity = Duration.ofDays(90);
  private BiFunction<X509Certificate, Instant, Window> window = AcmeFake::defaultWindow;
  private Duration renewalInfoRetryAfter = Duration.ofHours(6);

  private AcmeFake(HttpsServer server, ExecutorService executor, Clock clock, Path tlsCaFile) {
    this.server = server;
    this.executor = executor;
    this.clock = clock;
    this.tlsCaFile = tlsCaFile;
    this.base = "https://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Starts the CA on an ephemeral loopback port. Its TLS certificate (IP 127.0.0.1) is signed by a
   * throwaway CA written to {@code dir}/acme-fake-tls-ca.pem, for {@code acme.ca-certificates}.
   */
  public static AcmeFake start(Path dir, Clock clock) throws IOException {
    Path caFile = dir.resolve("acme-fake-tls-ca.pem");
    SSLContext tls = tls(caFile);
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "acme-fake");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    AcmeFake fake = new AcmeFake(server, executor, clock, caFile);
    server.createContext("/", fake::handle);
    server.start();
    return fake;
  }

  public URI directory() {
    return URI.create(base + "/dir");
  }

  /** The PEM file of the CA that signed the fake's TLS certificate. */
  public Path tlsCaFile() {
    return tlsCaFile;
  }

  // ---- switches ----------------------------------------------------------------------------

  /** Leaves renewalInfo out of the directory (a CA without ARI); replaces is then refused. */
  public synchronized AcmeFake withoutAri() {
    ari = false;
    return this;
  }

  /** Leaves meta.profiles out of the directory (a CA without profiles). */
  public synchronized AcmeFake withoutProfiles() {
    profiles = Map.of();
    return this;
  }

  public synchronized AcmeFake validity(Duration d) {
    validity = d;
    return this;
  }

  /** The window renewalInfo suggests for a certificate, computed when asked (at the fake's clock). */
  public synchronized AcmeFake renewalWindow(BiFunction<X509Certificate, Instant, Window> w) {
    window = w;
    return this;
  }

  /** The Retry-After renewalInfo sends, from the fake's clock (as an HTTP date, so acme4j reads it exactly). */
  public synchronized AcmeFake renewalInfoRetryAfter(Duration d) {
    renewalInfoRetryAfter = d;
    return this;
  }

  /** renewalInfo answers HTTP 500 while on. */
  public synchronized AcmeFake renewalInfoFails(boolean on) {
    renewalInfoFails = on;
    return this;
  }

  /** The next {@code n} signed requests get badNonce although their nonce is good (the client must retry). */
  public synchronized AcmeFake rejectNonces(int n) {
    badNoncesToSend = n;
    return this;
  }

  /** Orders that include {@code domain} are refused as rate limited, with Retry-After {@code after}. */
  public synchronized AcmeFake rateLimitOrdersFor(String domain, Duration after) {
    rateLimited.put(domain, after);
    return this;
  }

  public synchronized AcmeFake liftRateLimits() {
    rateLimited.clear();
    return this;
  }

  /** The next {@code n} finalize requests fail with serverInternal, leaving the order ready. */
  public synchronized AcmeFake failFinalize(int n) {
    finalizeErrors = n;
    return this;
  }

  /**
   * The next {@code n} certificate downloads fail with serverInternal: the certificate is issued but
   * the client does not get it, as if it crashed between finalize and download.
   */
  public synchronized AcmeFake failDownloads(int n) {
    downloadErrors = n;
    return this;
  }

  /** Authorizations for {@code domain} start valid (as a CA reusing an earlier validation does): no dns-01 needed. */
  public synchronized AcmeFake preValidate(String domain) {
    preValidated.add(domain);
    return this;
  }

  /**
   * Marks the pending authorizations of {@code domain} valid, as if its challenge had been checked just
   * now: the orders waiting on them become ready.
   */
  public synchronized AcmeFake validatePending(String domain) {
    for (Authz a : authzById.values()) {
      if (a.domain.equals(domain) && a.status.equals("pending")) {
        a.status = "valid";
      }
    }
    return this;
  }

  // ---- what it saw --------------------------------------------------------------------------

  /** Every accepted or refused newOrder request, in order. */
  public List<OrderSeen> orders() {
    return List.copyOf(ordersSeen);
  }

  public int newOrderCount() {
    return ordersSeen.size();
  }

  /** The CertIDs renewalInfo was asked about, in order. */
  public List<String> renewalInfoRequests() {
    return List.copyOf(renewalInfoRequests);
  }

  public synchronized int badNoncesSent() {
    return badNoncesSent;
  }

  public synchronized int accountCount() {
    return accounts.size();
  }

  /** TXT values currently published under {@code fqdn} (with the trailing dot) in the fake's DNS view. */
  public Set<String> txt(String fqdn) {
    return Set.copyOf(txt.getOrDefault(fqdn, Set.of()));
  }

  /**
   * A DNS-01 solver that publishes into the fake's own DNS view, which the fake checks when a
   * challenge is triggered; {@code log} gets "present FQDN" / "cleanup FQDN" lines.
   */
  public Dns01Solver solver(List<String> log) {
    return challenges -> {
      List<String[]> published = new ArrayList<>();
      for (Dns01Solver.Challenge c : challenges) {
        String fqdn = "_acme-challenge." + c.domain().base().value() + ".";
        txt.computeIfAbsent(fqdn, k -> ConcurrentHashMap.newKeySet()).add(c.digest());
        published.add(new String[] {fqdn, c.digest()});
        log.add("present " + fqdn);
      }
      return () -> {
        for (String[] p : published) {
          txt.getOrDefault(p[0], new HashSet<>()).remove(p[1]);
          log.add("cleanup " + p[0]);
        }
      };
    };
  }

  /** The RFC 9773 CertID of {@code cert}, computed here independently of acme4j: base64url(AKI keyId).base64url(serial). */
  public static String certId(X509Certificate cert) {
    byte[] ext = cert.getExtensionValue(Extension.authorityKeyIdentifier.getId());
    byte[] keyId = AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getKeyIdentifierObject().getOctets();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString(keyId) + "." + b64.encodeToString(cert.getSerialNumber().toByteArray());
  }

  /** By default the window is 60-70 % into the certificate's lifetime. */
  static Window defaultWindow(X509Certificate cert, Instant now) {
    Instant from = cert.getNotBefore().toInstant();
    long life = Duration.between(from, cert.getNotAfter().toInstant()).toMillis();
    return new Window(from.plusMillis(life * 6 / 10), from.plusMillis(life * 7 / 10), null);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- protocol ------------------------------------------------------------------------------

  private static final class Account {
    final String url;
    final PublicKey key;
    final String thumbprint;

    Account(String url, PublicKey key, String thumbprint) {
      this.url = url;
      this.key = key;
      this.thumbprint = thumbprint;
    }
  }

  private static final class Order {
    final int id;
    final Account account;
    final List<String> identifiers;
    final List<Integer> authzs = new ArrayList<>();
    final String replaces;
    final String profile;
    Integer certificate;

    Order(int id, Account account, List<String> identifiers, String replaces, String profile) {
      this.id = id;
      this.account = account;
      this.identifiers = identifiers;
      this.replaces = replaces;
      this.profile = profile;
    }
  }

  private static final class Authz {
    final int id;
    final String domain;
    final boolean wildcard;
    final String token = b64(random(32));
    String status;
    String error;

    Authz(int id, String domain, boolean wildcard, String status) {
      this.id = id;
      this.domain = domain;
      this.wildcard = wildcard;
      this.status = status;
    }
  }

  private record Issued(int id, List<X509Certificate> chain, String certId) {}

  /** A refusal: the problem document and status sent back. */
  private static final class Problem extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final String type;
    final transient Map<String, String> headers;

    Problem(int status, String type, String detail) {
      this(status, type, detail, Map.of());
    }

    Problem(int status, String type, String detail, Map<String, String> headers) {
      super(detail);
      this.status = status;
      this.type = type;
      this.headers = headers;
    }
  }

  /** The verified content of one JWS-signed POST. */
  private record Signed(JsonNode header, String payload, Account account, PublicJsonWebKey jwk) {}

  private void handle(HttpExchange ex) throws IOException {
    try {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      try {
        synchronized (this) {
          if (path.equals("/dir") && method.equals("GET")) {
            json(ex, 200, directoryJson(), null);
          } else if (path.equals("/nonce")) {
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.getResponseHeaders().set("Replay-Nonce", nonce());
            ex.sendResponseHeaders(method.equals("HEAD") ? 200 : 204, -1);
          } else if (path.startsWith("/renewal-info/") && method.equals("GET")) {
            renewalInfo(ex, path.substring("/renewal-info/".length()));
          } else if (method.equals("POST")) {
            post(ex, path);
          } else {
            throw new Problem(405, "malformed", method + " " + path + " is not supported");
          }
        }
      } catch (Problem p) {
        problem(ex, p);
      } catch (IOException | RuntimeException e) {
        problem(ex, new Problem(500, "serverInternal", "AcmeFake: " + e));
      }
    } finally {
      ex.close();
    }
  }

  private ObjectNode directoryJson() {
    ObjectNode d = JSON.createObjectNode();
    d.put("newNonce", base + "/nonce");
    d.put("newAccount", base + "/new-account");
    d.put("newOrder", base + "/new-order");
    d.put("revokeCert", base + "/revoke");
    d.put("keyChange", base + "/key-change");
    if (ari) {
      d.put("renewalInfo", base + "/renewal-info");
    }
    ObjectNode meta = d.putObject("meta");
    meta.put("termsOfService", base + "/terms");
    if (!profiles.isEmpty()) {
      ObjectNode p = meta.putObject("profiles");
      profiles.forEach(p::put);
    }
    return d;
  }

  private void post(HttpExchange ex, String path) throws IOException, Problem {
    Signed s = verify(ex, path);
    if (path.equals("/new-account")) {
      newAccount(ex, s);
      return;
    }
    if (s.account == null) {
      throw new Problem(400, "malformed", "request to " + path + " must be signed with an account kid");
    }
    String[] parts = path.split("/");
    if (path.equals("/new-order")) {
      newOrder(ex, s);
    } else if (parts.length == 3 && parts[1].equals("order")) {
      json(ex, 200, order(ownOrder(s, parts[2])), null);
    } else if (parts.length == 4 && parts[1].equals("order") && parts[3].equals("finalize")) {
      finalizeOrder(ex, s, ownOrder(s, parts[2]));
    } else if (parts.length == 3 && parts[1].equals("authz")) {
      json(ex, 200, authz(authzOf(parts[2])), null);
    } else if (parts.length == 3 && parts[1].equals("chall")) {
      Authz a = authzOf(parts[2]);
      if (!s.payload.isEmpty() && a.status.equals("pending")) {
        validate(a, s.account);
      }
      json(ex, 200, challenge(a), null);
    } else if (parts.length == 3 && parts[1].equals("cert")) {
      download(ex, parts[2]);
    } else {
      throw new Problem(404, "malformed", "no resource at " + path);
    }
  }

  private Signed verify(HttpExchange ex, String path) throws IOException, Problem {
    if (!"application/jose+json".equals(ex.getRequestHeaders().getFirst("Content-Type"))) {
      throw new Problem(415, "malformed", "Content-Type must be application/jose+json");
    }
    JsonNode body;
    try (InputStream in = ex.getRequestBody()) {
      body = JSON.readTree(in);
    }
    String prot = body.path("protected").asText();
    String payload = body.path("payload").asText();
    JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(prot));
    if (!header.path("url").asText().equals(base + path)) {
      throw new Problem(401, "unauthorized", "JWS url " + header.path("url").asText() + " is not " + base + path);
    }
    String nonce = header.path("nonce").asText();
    if (!nonces.remove(nonce)) {
      badNoncesSent++;
      throw new Problem(400, "badNonce", "nonce " + nonce + " is unknown or was used before");
    }
    if (badNoncesToSend > 0) {
      badNoncesToSend--;
      badNoncesSent++;
      throw new Problem(400, "badNonce", "nonce rejected by the fault switch");
    }
    Account account = null;
    PublicJsonWebKey jwk = null;
    try {
      if (header.has("jwk") == header.has("kid")) {
        throw new Problem(400, "malformed", "exactly one of jwk and kid must be in the protected header");
      }
      if (header.has("kid")) {
        account = accounts.get(header.get("kid").asText());
        if (account == null) {
          throw new Problem(400, "accountDoesNotExist", "no account " + header.get("kid").asText());
        }
      } else {
        jwk = PublicJsonWebKey.Factory.newPublicJwk(header.get("jwk").toString());
      }
      JsonWebSignature jws = new JsonWebSignature();
      jws.setCompactSerialization(prot + "." + payload + "." + body.path("signature").asText());
      jws.setKey(account != null ? account.key : jwk.getPublicKey());
      if (!jws.verifySignature()) {
        throw new Problem(400, "malformed", "JWS signature does not verify");
      }
      return new Signed(header, jws.getPayload(), account, jwk);
    } catch (org.jose4j.lang.JoseException e) {
      throw new Problem(400, "malformed", "JWS: " + e.getMessage());
    }
  }

  private void newAccount(HttpExchange ex, Signed s) throws IOException, Problem {
    if (s.jwk == null) {
      throw new Problem(400, "malformed", "newAccount must carry a jwk");
    }
    for (Account a : accounts.values()) {
      if (a.key.equals(s.jwk.getPublicKey())) {
        json(ex, 200, account(a), a.url);
        return;
      }
    }
    JsonNode req = JSON.readTree(s.payload);
    if (!req.path("termsOfServiceAgreed").asBoolean(false)) {
      throw new Problem(403, "userActionRequired", "the terms of service must be agreed to");
    }
    Account a = new Account(base + "/acct/" + nextId++, s.jwk.getPublicKey(), s.jwk.calculateBase64urlEncodedThumbprint("SHA-256"));
    accounts.put(a.url, a);
    json(ex, 201, account(a), a.url);
  }

  private static ObjectNode account(Account a) {
    ObjectNode o = JSON.createObjectNode();
    o.put("status", "valid");
    o.put("orders", a.url + "/orders");
    return o;
  }

  private void newOrder(HttpExchange ex, Signed s) throws IOException, Problem {
    JsonNode req = JSON.readTree(s.payload);
    List<String> ids = new ArrayList<>();
    for (JsonNode id : req.path("identifiers")) {
      ids.add(id.path("value").asText());
    }
    String replaces = req.hasNonNull("replaces") ? req.get("replaces").asText() : null;
    String profile = req.hasNonNull("profile") ? req.get("profile").asText() : null;
    ordersSeen.add(new OrderSeen(List.copyOf(ids), replaces, profile));
    for (String id : ids) {
      Duration after = rateLimited.get(id);
      if (after != null) {
        throw new Problem(429, "rateLimited", "too many certificates for " + id + " in the last 7 days",
            Map.of("Retry-After", httpDate(clock.instant().plus(after)), "Link", "<" + base + "/docs/rate-limits>;rel=\"help\""));
      }
    }
    if (profile != null && !profiles.containsKey(profile)) {
      throw new Problem(400, "invalidProfile", "profile " + profile + " is not offered");
    }
    if (replaces != null) {
      if (!ari) {
        throw new Problem(400, "malformed", "this CA does not support replaces");
      }
      Issued old = issuedByCertId.get(replaces);
      if (old == null) {
        throw new Problem(400, "malformed", "replaces " + replaces + ": no such certificate");
      }
    }
    Order o = new Order(nextId++, s.account, ids, replaces, profile);
    for (String id : ids) {
      boolean wildcard = id.startsWith("*.");
      String domain = wildcard ? id.substring(2) : id;
      Authz a = new Authz(nextId++, domain, wildcard, preValidated.contains(domain) ? "valid" : "pending");
      authzById.put(a.id, a);
      o.authzs.add(a.id);
    }
    orderById.put(o.id, o);
    json(ex, 201, order(o), base + "/order/" + o.id);
  }

  private Order ownOrder(Signed s, String id) throws Problem {
    Order o = orderById.get(parseId(id));
    if (o == null || o.account != s.account) {
      throw new Problem(404, "malformed", "no order " + id + " for this account");
    }
    return o;
  }

  private Authz authzOf(String id) throws Problem {
    Authz a = authzById.get(parseId(id));
    if (a == null) {
      throw new Problem(404, "malformed", "no authorization " + id);
    }
    return a;
  }

  private static int parseId(String id) throws Problem {
    try {
      return Integer.parseInt(id);
    } catch (NumberFormatException e) {
      throw new Problem(404, "malformed", "no resource " + id);
    }
  }

  private String status(Order o) {
    if (o.certificate != null) {
      return "valid";
    }
    boolean allValid = true;
    for (int id : o.authzs) {
      String st = authzById.get(id).status;
      if (st.equals("invalid")) {
        return "invalid";
      }
      allValid &= st.equals("valid");
    }
    return allValid ? "ready" : "pending";
  }

  private ObjectNode order(Order o) {
    ObjectNode n = JSON.createObjectNode();
    n.put("status", status(o));
    n.put("expires", clock.instant().plus(Duration.ofDays(7)).toString());
    ArrayNode ids = n.putArray("identifiers");
    for (String id : o.identifiers) {
      ids.addObject().put("type", "dns").put("value", id);
    }
    ArrayNode az = n.putArray("authorizations");
    o.authzs.forEach(id -> az.add(base + "/authz/" + id));
    n.put("finalize", base + "/order/" + o.id + "/finalize");
    if (o.profile != null) {
      n.put("profile", o.profile);
    }
    if (o.replaces != null) {
      n.put("replaces", o.replaces);
    }
    if (o.certificate != null) {
      n.put("certificate", base + "/cert/" + o.certificate);
    }
    return n;
  }

  private ObjectNode authz(Authz a) {
    ObjectNode n = JSON.createObjectNode();
    n.putObject("identifier").put("type", "dns").put("value", a.domain);
    n.put("status", a.status);
    n.put("expires", clock.instant().plus(Duration.ofDays(7)).toString());
    if (a.wildcard) {
      n.put("wildcard", true);
    }
    n.putArray("challenges").add(challenge(a));
    return n;
  }

  private ObjectNode challenge(Authz a) {
    ObjectNode c = JSON.createObjectNode();
    c.put("type", "dns-01");
    c.put("url", base + "/chall/" + a.id);
    c.put("token", a.token);
    c.put("status", a.status);
    if (a.error != null) {
      c.putObject("error").put("type", ERR + "unauthorized").put("detail", a.error);
    }
    return c;
  }

  /** The dns-01 check: the fake's DNS view must hold base64url(SHA-256(token "." thumbprint)). */
  private void validate(Authz a, Account account) {
    String fqdn = "_acme-challenge." + a.domain + ".";
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((a.token + "." + account.thumbprint).getBytes(StandardCharsets.UTF_8));
      if (txt.getOrDefault(fqdn, Set.of()).contains(b64(digest))) {
        a.status = "valid";
      } else {
        a.status = "invalid";
        a.error = "no TXT record with the expected digest at " + fqdn + " (found " + new TreeSet<>(txt.getOrDefault(fqdn, Set.of())) + ")";
      }
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void finalizeOrder(HttpExchange ex, Signed s, Order o) throws IOException, Problem {
    if (!status(o).equals("ready")) {
      throw new Problem(403, "orderNotReady", "order " + o.id + " is " + status(o));
    }
    if (finalizeErrors > 0) {
      finalizeErrors--;
      throw new Problem(500, "serverInternal", "the signer is unavailable (fault switch)");
    }
    JcaPKCS10CertificationRequest csr;
    try {
      csr = new JcaPKCS10CertificationRequest(new PKCS10CertificationRequest(
          Base64.getUrlDecoder().decode(JSON.readTree(s.payload).path("csr").asText())));
    } catch (IOException | IllegalArgumentException e) {
      throw new Problem(400, "badCSR", "CSR does not parse: " + e.getMessage());
    }
    Set<String> names = new TreeSet<>();
    for (var attr : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      Extensions exts = Extensions.getInstance(attr.getAttrValues().getObjectAt(0));
      GeneralNames sans = GeneralNames.fromExtensions(exts, Extension.subjectAlternativeName);
      if (sans != null) {
        for (GeneralName n : sans.getNames()) {
          names.add(n.getName().toString());
        }
      }
    }
    if (!names.equals(new TreeSet<>(o.identifiers))) {
      throw new Problem(400, "badCSR", "CSR names " + names + " are not the order's " + new TreeSet<>(o.identifiers));
    }
    try {
      X509Certificate leaf = issuer.certificate(csr.getPublicKey(), clock.instant(), validity, o.identifiers);
      List<X509Certificate> chain = new ArrayList<>(List.of(leaf));
      chain.addAll(issuer.chain());
      Issued issued = new Issued(nextId++, List.copyOf(chain), certId(leaf));
      issuedById.put(issued.id, issued);
      issuedByCertId.put(issued.certId, issued);
      o.certificate = issued.id;
    } catch (java.security.GeneralSecurityException e) {
      throw new Problem(400, "badCSR", "CSR key: " + e.getMessage());
    }
    json(ex, 200, order(o), null);
  }

  private void download(HttpExchange ex, String id) throws IOException, Problem {
    Issued issued = issuedById.get(parseId(id));
    if (issued == null) {
      throw new Problem(404, "malformed", "no certificate " + id);
    }
    if (downloadErrors > 0) {
      downloadErrors--;
      throw new Problem(500, "serverInternal", "certificate storage is unavailable (fault switch)");
    }
    send(ex, 200, "application/pem-certificate-chain", Pem.encode(issued.chain), null);
  }

  private void renewalInfo(HttpExchange ex, String certId) throws IOException, Problem {
    renewalInfoRequests.add(certId);
    if (!ari) {
      throw new Problem(404, "malformed", "this CA does not offer renewal information");
    }
    if (renewalInfoFails) {
      throw new Problem(500, "serverInternal", "renewal information is unavailable (fault switch)");
    }
    Issued issued = issuedByCertId.get(certId);
    if (issued == null) {
      throw new Problem(404, "malformed", "no certificate with CertID " + certId);
    }
    Window w = window.apply(issued.chain.get(0), clock.instant());
    ObjectNode n = JSON.createObjectNode();
    n.putObject("suggestedWindow").put("start", w.start().toString()).put("end", w.end().toString());
    if (w.explanationUrl() != null) {
      n.put("explanationURL", w.explanationUrl());
    }
    ex.getResponseHeaders().set("Retry-After", httpDate(clock.instant().plus(renewalInfoRetryAfter)));
    json(ex, 200, n, null);
  }

  // ---- HTTP helpers --------------------------------------------------------------------------

  private String nonce() {
    String n = b64(random(16));
    nonces.add(n);
    return n;
  }

  private void json(HttpExchange ex, int status, JsonNode body, String location) throws IOException {
    send(ex, status, "application/json", JSON.writeValueAsBytes(body), location);
  }

  private void send(HttpExchange ex, int status, String type, byte[] body, String location) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Replay-Nonce", nonce());
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    if (location != null) {
      ex.getResponseHeaders().set("Location", location);
    }
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private void problem(HttpExchange ex, Problem p) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", ERR + p.type);
    n.put("detail", p.getMessage());
    n.put("status", p.status);
    p.headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    synchronized (this) {
      send(ex, p.status, "application/problem+json", JSON.writeValueAsBytes(n), null);
    }
  }

  private static String httpDate(Instant t) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(t.atOffset(ZoneOffset.UTC));
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** A TLS context for 127.0.0.1 whose CA certificate is written to {@code caFile}. */
  private static SSLContext tls(Path caFile) throws IOException {
    try {
      KeyPair caKey = TestCertificates.ecP256();
      KeyPair serverKey = TestCertificates.ecP256();
      // Wall-clock time, not the injected clock: the JDK checks the TLS certificate against the real one.
      Instant from = Instant.now().minus(Duration.ofDays(1));
      Instant to = from.plus(Duration.ofDays(30));
      X509Certificate ca = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
          new X500Name("CN=AcmeFake TLS CA"), BigInteger.ONE, Date.from(from), Date.from(to), new X500Name("CN=AcmeFake TLS CA"),
          caKey.getPublic()).addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));
      X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
          new X500Name("CN=AcmeFake TLS CA"), BigInteger.TWO, Date.from(from), Date.from(to), new X500Name("CN=127.0.0.1"),
          serverKey.getPublic())
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")))
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));
      Files.write(caFile, Pem.encode(List.of(ca)));
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      char[] pw = "changeit".toCharArray();
      ks.setKeyEntry("server", serverKey.getPrivate(), pw, new X509Certificate[] {leaf, ca});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("AcmeFake: cannot build its TLS certificate", e);
    }
  }
}
