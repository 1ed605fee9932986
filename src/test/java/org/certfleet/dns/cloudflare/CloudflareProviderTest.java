package org.certfleet.dns.cloudflare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.HashMap;
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

/** The cloudflare provider against {@link FakeCloudflare} on loopback. */
@Timeout(30)
class CloudflareProviderTest {
  static final String TOKEN = "Yqv1Zx_cf-api-token-0123456789abcdefghijk";
  static final String ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
  static final String NAME = "_acme-challenge.media.hachyderm.io.";
  static final String WILDCARD_VALUE = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";
  static final String BASE_VALUE = "9ihDbjxQVeKVm6mzE8tqHHydgHuYs27gHLXhrUPtbc0";

  FakeCloudflare fake;
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void start() throws Exception {
    fake = new FakeCloudflare(TOKEN);
    fake.zone(ZONE, "hachyderm.io");
    fake.zone("9a7806061c88ada191ed06f989cc3dac", "example.org");
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void stop() {
    root.detachAppender(logs);
    fake.close();
    assertThat(fake.problems).as("requests the fake found wrong").isEmpty();
    assertThat(logs.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(TOKEN));
  }

  Map<String, String> options(String... overrides) {
    Map<String, String> m = new HashMap<>(Map.of("api-token", "${env:CF_API_TOKEN}", "base-url", fake.baseUrl()));
    for (int i = 0; i < overrides.length; i += 2) {
      if (overrides[i + 1] == null) {
        m.remove(overrides[i]);
      } else {
        m.put(overrides[i], overrides[i + 1]);
      }
    }
    return m;
  }

  DnsProvider provider(String... overrides) {
    return new CloudflareFactory().create("cf", options(overrides),
        new SecretResolver(Map.of("CF_API_TOKEN", TOKEN, "BAD_TOKEN", "two words")::get));
  }

  static TxtRecord txt(String value) {
    return new TxtRecord(NAME, "hachyderm.io.", value, Duration.ofSeconds(60));
  }

  @Test
  void aWildcardAndItsBaseShareOneNameAndCleanUpRemovesOnlyItsOwnValue() throws Exception {
    DnsProvider p = provider();

    p.present(txt(WILDCARD_VALUE));
    p.present(txt(BASE_VALUE));
    p.present(txt(BASE_VALUE)); // again: Cloudflare says 81058, which counts as done
    assertThat(fake.txt("_acme-challenge.media.hachyderm.io")).containsExactly(WILDCARD_VALUE, BASE_VALUE);
    assertThat(fake.createBodies.get(0).toString()).isEqualTo(
        "{\"type\":\"TXT\",\"name\":\"_acme-challenge.media.hachyderm.io\",\"content\":\"" + WILDCARD_VALUE + "\",\"ttl\":120}");

    p.cleanUp(txt(WILDCARD_VALUE));
    assertThat(fake.txt("_acme-challenge.media.hachyderm.io")).containsExactly(BASE_VALUE);
    p.cleanUp(txt(WILDCARD_VALUE)); // again: nothing found, nothing deleted
    p.cleanUp(txt(BASE_VALUE));
    assertThat(fake.txt("_acme-challenge.media.hachyderm.io")).isEmpty();

    // The zone is found by walking up the name; zone names have no trailing dot.
    assertThat(fake.requests).startsWith(
        "GET /client/v4/zones {name=_acme-challenge.media.hachyderm.io}",
        "GET /client/v4/zones {name=media.hachyderm.io}",
        "GET /client/v4/zones {name=hachyderm.io}",
        "POST /client/v4/zones/" + ZONE + "/dns_records");
    assertThat(fake.requests).contains("GET /client/v4/zones/" + ZONE + "/dns_records {type=TXT,"
        + " name=_acme-challenge.media.hachyderm.io, content=" + WILDCARD_VALUE + ", per_page=100}");
    assertThat(fake.requests).filteredOn(r -> r.startsWith("DELETE")).hasSize(2);
  }

  @Test
  void aConfiguredZoneSkipsTheLookupAndTtlOneMeansAutomatic() throws Exception {
    provider("zone-id", ZONE, "ttl", "1").present(txt(WILDCARD_VALUE));

    assertThat(fake.requests).containsExactly("POST /client/v4/zones/" + ZONE + "/dns_records");
    assertThat(fake.createBodies.get(0).get("ttl").asInt()).isEqualTo(1);
  }

  @Test
  void anErrorEnvelopeNamesInstanceRecordStatusAndCodesButNeverTheToken() {
    fake.failCreate = new Object[] {403, 10000, "Authentication error"};

    assertThatThrownBy(() -> provider("zone-id", ZONE).present(txt(WILDCARD_VALUE)))
        .isInstanceOf(DnsException.class)
        .hasMessage("dns provider cf (cloudflare): add TXT " + NAME + " \"" + WILDCARD_VALUE + "\" in zone " + ZONE
            + ": HTTP 403: 10000 Authentication error")
        .message().doesNotContain(TOKEN);
  }

  @Test
  void aWrongTokenIsReportedWithCloudflaresErrorAndNotTheToken() {
    DnsProvider p = new CloudflareFactory().create("cf", options(),
        new SecretResolver(Map.of("CF_API_TOKEN", "wrong-token-value")::get));

    assertThatThrownBy(() -> p.cleanUp(txt(WILDCARD_VALUE)))
        .isInstanceOf(DnsException.class)
        .hasMessage("dns provider cf (cloudflare): find the zone of " + NAME + ": HTTP 403: 10000 Authentication error")
        .message().doesNotContain("wrong-token-value");
  }

  @Test
  void noZoneAndAnAnswerThatIsNotTheApiAreClearErrors() {
    TxtRecord elsewhere = new TxtRecord("_acme-challenge.example.net.", "example.net.", WILDCARD_VALUE, Duration.ofSeconds(60));
    assertThatThrownBy(() -> provider().present(elsewhere))
        .hasMessage("dns provider cf (cloudflare): find the zone of _acme-challenge.example.net.: no zone of this token"
            + " holds it; set option zone-id, or give the token Zone:Zone:Read");

    String proxy = fake.baseUrl().replace("/client/v4", "/proxy/client/v4");
    assertThatThrownBy(() -> provider("base-url", proxy, "zone-id", ZONE).present(txt(BASE_VALUE)))
        .hasMessage("dns provider cf (cloudflare): add TXT " + NAME + " \"" + BASE_VALUE + "\" in zone " + ZONE
            + ": HTTP 502 without a Cloudflare API answer");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "api-token||option api-token is required (the API token)",
      "api-token|${env:BAD_TOKEN}|option api-token: the referenced value contains spaces or control characters",
      "api-token|${env:UNSET}|option api-token: ${env:UNSET}: environment variable UNSET is not set",
      "zone-id|hachyderm.io|option zone-id: \"hachyderm.io\" is not a zone id (expected 32 hex digits)",
      "base-url|http://api.cloudflare.com/client/v4|option base-url: plain http is allowed only to a loopback address; use https",
      "base-url|https://user:pw@api.cloudflare.com/client/v4|option base-url: must not carry user info, a query or a fragment",
      "ttl|30|option ttl: 30 is below Cloudflare's minimum of 60 (1 means automatic)",
      "ttl|0|option ttl: \"0\" is not a whole number from 1 to 86400",
      "timeout|-1s|option timeout: \"-1s\" is not a duration above zero (expected e.g. 500ms, 10s, 2m)",
      "proxied|true|unknown option proxied (expected one of: api-token, zone-id, base-url, ttl, timeout)",
  })
  void badOptionsAreRejectedBeforeAnyRequestNamingTheOption(String option, String value, String message) {
    assertThatThrownBy(() -> provider(option, value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dns provider cf (cloudflare): " + message)
        .message().doesNotContain(TOKEN);
    assertThat(fake.requests).isEmpty();
  }
}
