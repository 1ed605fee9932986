package org.certfleet.dns.acmedns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import org.certfleet.config.SecretResolver;
import org.certfleet.dns.DnsException;
import org.certfleet.dns.DnsProvider;
import org.certfleet.dns.TxtRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * The acme-dns provider against a loopback fake of acme-dns's {@code POST /update}: the same checks
 * in the same order as acme-dns (credentials and subdomain → 401 forbidden, then bad_subdomain,
 * bad_txt → 400), and the two most recent values kept per subdomain.
 */
@Timeout(30)
class AcmeDnsProviderTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String USER = "c36f50e8-4632-44f0-83fe-e070fef28a10";
  static final String PASSWORD = "htB9mR9DYgcu9bX_afHF62erXaH2TS7bg9KW3F7Z";
  static final String SUBDOMAIN = "8e5700ea-a4bf-41c7-8a77-e990661dcc6a";
  static final String NAME = SUBDOMAIN + ".auth.acme-dns.io.";
  static final String WILDCARD_VALUE = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";
  static final String BASE_VALUE = "9ihDbjxQVeKVm6mzE8tqHHydgHuYs27gHLXhrUPtbc0";
  static final String NEXT_VALUE = "Zp1uTKQfSlK0qzvwn4lC0vn9M-6l4jiO8EZjBB6GEF8";

  HttpServer server;
  final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  final List<String> problems = Collections.synchronizedList(new ArrayList<>());
  final LinkedList<String> txt = new LinkedList<>();
  volatile int forcedStatus;
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void stop() {
    root.detachAppender(logs);
    server.stop(0);
    assertThat(problems).isEmpty();
    assertThat(logs.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(PASSWORD));
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " " + new String(body, StandardCharsets.UTF_8));
      if (!ex.getRequestMethod().equals("POST") || !ex.getRequestURI().getPath().equals("/update")) {
        problems.add("unexpected " + ex.getRequestMethod() + " " + ex.getRequestURI());
        reply(ex, 404, "{\"error\":\"not_found\"}");
        return;
      }
      if (forcedStatus != 0) {
        reply(ex, forcedStatus, "{\"error\":\"db_error\"}");
        return;
      }
      JsonNode post = JSON.readTree(body);
      if (!"application/json".equals(ex.getRequestHeaders().getFirst("Content-Type")) || post.size() != 2) {
        problems.add("body " + post + " / " + ex.getRequestHeaders().getFirst("Content-Type"));
      }
      boolean userOk = USER.equals(ex.getRequestHeaders().getFirst("X-Api-User"))
          && PASSWORD.equals(ex.getRequestHeaders().getFirst("X-Api-Key"))
          && SUBDOMAIN.equals(post.path("subdomain").asText());
      if (!userOk) {
        reply(ex, 401, "{\"error\":\"forbidden\"}");
        return;
      }
      String value = post.path("txt").asText();
      if (!value.matches("[A-Za-z0-9_-]{43}")) {
        reply(ex, 400, "{\"error\":\"bad_txt\"}");
        return;
      }
      synchronized (txt) {
        txt.addLast(value);
        while (txt.size() > 2) {
          txt.removeFirst();
        }
      }
      reply(ex, 200, JSON.createObjectNode().put("txt", value).toString());
    }
  }

  private static void reply(HttpExchange ex, int status, String json) throws IOException {
    byte[] out = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, out.length);
    ex.getResponseBody().write(out);
  }

  String server() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  DnsProvider provider(String... overrides) {
    Map<String, String> m = new HashMap<>(Map.of("server", server() + "/", "username", "${env:ACMEDNS_USER}",
        "password", "${env:ACMEDNS_PASSWORD}", "subdomain", SUBDOMAIN));
    for (int i = 0; i < overrides.length; i += 2) {
      if (overrides[i + 1] == null) {
        m.remove(overrides[i]);
      } else {
        m.put(overrides[i], overrides[i + 1]);
      }
    }
    return new AcmeDnsFactory().create("auth", m, new SecretResolver(Map.of("ACMEDNS_USER", USER,
        "ACMEDNS_PASSWORD", PASSWORD, "WRONG_PASSWORD", "not-the-password", "NOT_UUID", "certfleet")::get));
  }

  static TxtRecord txt(String value) {
    return new TxtRecord(NAME, "auth.acme-dns.io.", value, Duration.ofSeconds(60));
  }

  @Test
  void presentUpdatesTheSubdomainWhichKeepsTheTwoLatestValuesAndCleanUpSendsNothing() throws Exception {
    DnsProvider p = provider();

    p.present(txt(WILDCARD_VALUE));
    p.present(txt(BASE_VALUE));
    p.cleanUp(txt(WILDCARD_VALUE));
    p.cleanUp(txt(BASE_VALUE));

    assertThat(txt).containsExactly(WILDCARD_VALUE, BASE_VALUE);
    assertThat(requests).containsExactly(
        "POST /update {\"subdomain\":\"" + SUBDOMAIN + "\",\"txt\":\"" + WILDCARD_VALUE + "\"}",
        "POST /update {\"subdomain\":\"" + SUBDOMAIN + "\",\"txt\":\"" + BASE_VALUE + "\"}");
    p.present(txt(NEXT_VALUE));
    assertThat(txt).containsExactly(BASE_VALUE, NEXT_VALUE);
  }

  @Test
  void aRefusedUpdateNamesInstanceRecordAndStatusButNeverThePassword() {
    DnsProvider p = provider("password", "${env:WRONG_PASSWORD}");

    assertThatThrownBy(() -> p.present(txt(WILDCARD_VALUE)))
        .isInstanceOf(DnsException.class)
        .hasMessage("dns provider auth (acme-dns): add TXT " + NAME + " \"" + WILDCARD_VALUE + "\": " + server()
            + " answered HTTP 401: forbidden (wrong username or password, or this address is not in the account's"
            + " allowfrom)")
        .message().doesNotContain(PASSWORD, "not-the-password", USER);

    forcedStatus = 500;
    assertThatThrownBy(() -> provider().present(txt(WILDCARD_VALUE)))
        .hasMessageEndingWith(" answered HTTP 500: db_error")
        .message().doesNotContain(PASSWORD);
  }

  @Test
  void aValueOfAnotherLengthOrANameOutsideTheSubdomainFailsBeforeAnyRequest() {
    DnsProvider p = provider();

    assertThatThrownBy(() -> p.present(txt("too-short")))
        .isInstanceOf(DnsException.class)
        .hasMessage("dns provider auth (acme-dns): add TXT " + NAME + " \"too-short\": acme-dns accepts only"
            + " 43-character values (a DNS-01 digest); this one has 9");
    TxtRecord notDelegated = new TxtRecord("_acme-challenge.media.hachyderm.io.", "hachyderm.io.", WILDCARD_VALUE,
        Duration.ofSeconds(60));
    assertThatThrownBy(() -> p.present(notDelegated))
        .hasMessage("dns provider auth (acme-dns): add TXT _acme-challenge.media.hachyderm.io. \"" + WILDCARD_VALUE
            + "\": the name is not this account's subdomain " + SUBDOMAIN + "; CNAME the _acme-challenge name to "
            + SUBDOMAIN + ".<acme-dns domain>");
    assertThat(requests).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "server||option server is required (base URL of the acme-dns API (https, or http to loopback only), e.g. https://auth.example.org)",
      "server|auth.example.org|option server: \"auth.example.org\" is not an http(s) URL with a host (expected e.g. https://api.example.net/v1)",
      "server|http://auth.example.org|option server: plain http is allowed only to a loopback address; use https",
      "username|${env:NOT_UUID}|option username: the referenced value is not a UUID (acme-dns usernames are)",
      "password|htB9mR9DYgcu9bX|option password: must be a secret reference (${env:NAME} or ${file:/path})",
      "subdomain|_acme-challenge.media|option subdomain: \"_acme-challenge.media\" is not a DNS label (expected the UUID acme-dns registered)",
      "timeout|soon|option timeout: \"soon\" is not a duration above zero (expected e.g. 500ms, 10s, 2m)",
      "allowfrom|127.0.0.1|unknown option allowfrom (expected one of: server, username, password, subdomain, timeout)",
  })
  void badOptionsAreRejectedBeforeAnyRequestNamingTheOption(String option, String value, String message) {
    assertThatThrownBy(() -> provider(option, value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dns provider auth (acme-dns): " + message)
        .message().doesNotContain(PASSWORD);
    assertThat(requests).isEmpty();
  }
}
