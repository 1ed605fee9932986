package org.certfleet.dns.route53;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.certfleet.config.SecretResolver;
import org.certfleet.dns.DnsException;
import org.certfleet.dns.DnsProvider;
import org.certfleet.dns.TxtRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/** The route53 provider through the real AWS SDK against {@link FakeRoute53} on loopback. */
@Timeout(60)
class Route53ProviderTest {
  static final String KEY_ID = "AKID";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
  static final String NAME = "_acme-challenge.media.hachyderm.io.";
  static final String WILDCARD_VALUE = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";
  static final String BASE_VALUE = "9ihDbjxQVeKVm6mzE8tqHHydgHuYs27gHLXhrUPtbc0";

  FakeRoute53 fake;
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  Level rootLevel;

  @BeforeAll
  static void noInstanceMetadata() {
    // Credentials are always given here; should the SDK's default chain ever run, it must not dial EC2.
    System.setProperty("aws.disableEc2Metadata", "true");
  }

  @BeforeEach
  void start() throws Exception {
    fake = new FakeRoute53(KEY_ID, SECRET);
    fake.zone("Z1PUBLIC", "hachyderm.io.", false);
    fake.zone("Z2PRIVATE", "media.hachyderm.io.", true);
    fake.zone("Z3OTHER", "dns.hachyderm.io.", false);
    fake.record("Z1PUBLIC", "hachyderm.io.", "SOA", 900, "ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400");
    // Listed right after the (absent) challenge name: must not be taken for it.
    fake.record("Z1PUBLIC", "sally.hachyderm.io.", "TXT", 300, "\"v=spf1 -all\"");
    logs.start();
    root.addAppender(logs);
    rootLevel = root.getLevel();
    root.setLevel(Level.DEBUG);
  }

  @AfterEach
  void stop() {
    root.detachAppender(logs);
    root.setLevel(rootLevel);
    fake.close();
    assertThat(fake.problems).as("requests the fake found wrong").isEmpty();
  }

  Map<String, String> options(String... overrides) {
    Map<String, String> m = new HashMap<>(Map.of(
        "access-key-id", "${env:AWS_ACCESS_KEY_ID}",
        "secret-access-key", "${env:AWS_SECRET_ACCESS_KEY}",
        "endpoint", fake.endpoint().toString(),
        "region", "us-east-1"));
    for (int i = 0; i < overrides.length; i += 2) {
      if (overrides[i + 1] == null) {
        m.remove(overrides[i]);
      } else {
        m.put(overrides[i], overrides[i + 1]);
      }
    }
    return m;
  }

  static SecretResolver secrets() {
    return new SecretResolver(Map.of("AWS_ACCESS_KEY_ID", KEY_ID, "AWS_SECRET_ACCESS_KEY", SECRET)::get);
  }

  DnsProvider provider(String... overrides) {
    return new Route53Factory(clock, d -> {
      slept.add(d);
      clock.advance(d);
    }).create("aws", options(overrides), secrets());
  }

  static TxtRecord txt(String value) {
    return new TxtRecord(NAME, "hachyderm.io.", value, Duration.ofSeconds(60));
  }

  @Test
  void aWildcardAndItsBaseShareOneRecordSetAndCleanUpRemovesOnlyItsOwnValue() throws Exception {
    DnsProvider p = provider("ttl", "30");

    p.present(txt(WILDCARD_VALUE));
    p.present(txt(BASE_VALUE));
    assertThat(fake.txt("Z1PUBLIC", NAME)).containsExactly(WILDCARD_VALUE, BASE_VALUE);
    assertThat(fake.ttl("Z1PUBLIC", NAME)).isEqualTo(30);

    p.present(txt(BASE_VALUE)); // again: already there, no change
    p.cleanUp(txt(WILDCARD_VALUE));
    assertThat(fake.txt("Z1PUBLIC", NAME)).containsExactly(BASE_VALUE);
    p.cleanUp(txt(WILDCARD_VALUE)); // again: already gone, no change
    p.cleanUp(txt(BASE_VALUE));
    assertThat(fake.txt("Z1PUBLIC", NAME)).isEmpty();
    assertThat(fake.txt("Z1PUBLIC", "sally.hachyderm.io.")).containsExactly("v=spf1 -all");

    // The zone was found by walking up the name, skipping the private zone of the same suffix.
    assertThat(fake.requests.stream().filter(r -> r.contains("hostedzonesbyname")).limit(3)).containsExactly(
        "GET /2013-04-01/hostedzonesbyname {dnsname=_acme-challenge.media.hachyderm.io., maxitems=10}",
        "GET /2013-04-01/hostedzonesbyname {dnsname=media.hachyderm.io., maxitems=10}",
        "GET /2013-04-01/hostedzonesbyname {dnsname=hachyderm.io., maxitems=10}");
    assertThat(fake.requests).filteredOn(r -> r.contains("/rrset")).contains(
        "GET /2013-04-01/hostedzone/Z1PUBLIC/rrset {name=_acme-challenge.media.hachyderm.io., type=TXT, maxitems=1}");
    // Four changes (add, add, UPSERT of the rest, DELETE of the last), each PENDING once, then INSYNC.
    assertThat(fake.requests).filteredOn(r -> r.startsWith("POST /2013-04-01/hostedzone/Z1PUBLIC/rrset")).hasSize(4);
    assertThat(fake.requests).filteredOn(r -> r.startsWith("GET /2013-04-01/change/")).hasSize(8);
    assertThat(slept).hasSize(4).allMatch(d -> d.equals(Duration.ofSeconds(2)));
    assertThat(fake.authorizations).allMatch(a -> a.startsWith("AWS4-HMAC-SHA256 Credential=AKID/")
        && a.contains("/us-east-1/route53/aws4_request"));
  }

  @Test
  void aChangeThatStaysPendingFailsAfterThePropagationTimeout() {
    fake.neverInSync = true;
    DnsProvider p = provider("hosted-zone-id", "/hostedzone/Z1PUBLIC", "propagation-timeout", "10s",
        "poll-interval", "3s");

    assertThatThrownBy(() -> p.present(txt(WILDCARD_VALUE)))
        .isInstanceOf(DnsException.class)
        .hasMessageMatching(Pattern.quote("dns provider aws (route53): add TXT " + NAME + " \"" + WILDCARD_VALUE
            + "\" in hosted zone Z1PUBLIC: change ") + "C\\d+" + Pattern.quote(" is still PENDING after 10 s"));
    assertThat(slept).hasSize(4);
    assertThat(fake.requests).noneMatch(r -> r.contains("hostedzonesbyname"));
  }

  @Test
  void anApiErrorNamesInstanceRecordZoneAndStatusButNeverTheSecretKey() {
    fake.failure = new FakeRoute53.Failure("POST", Pattern.compile("/2013-04-01/hostedzone/Z1PUBLIC/rrset/?"), 403,
        "AccessDenied", "User: arn:aws:iam::123456789012:user/certfleet is not authorized to perform:"
            + " route53:ChangeResourceRecordSets on resource: arn:aws:route53:::hostedzone/Z1PUBLIC");
    DnsProvider p = provider("hosted-zone-id", "Z1PUBLIC");

    assertThatThrownBy(() -> p.present(txt(WILDCARD_VALUE)))
        .isInstanceOf(DnsException.class)
        .hasMessage("dns provider aws (route53): add TXT " + NAME + " \"" + WILDCARD_VALUE + "\" in hosted zone"
            + " Z1PUBLIC: HTTP 403 AccessDenied: User: arn:aws:iam::123456789012:user/certfleet is not authorized to"
            + " perform: route53:ChangeResourceRecordSets on resource: arn:aws:route53:::hostedzone/Z1PUBLIC")
        .message().doesNotContain(SECRET);
    assertThat(logs.list).isNotEmpty();
    assertThat(logs.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(SECRET));
    assertThat(fake.authorizations).allSatisfy(a -> assertThat(a).doesNotContain(SECRET));
  }

  @Test
  void noPublicZoneIsAnErrorThatSaysWhatToSet() {
    DnsProvider p = provider();
    TxtRecord elsewhere = new TxtRecord("_acme-challenge.example.org.", "example.org.", WILDCARD_VALUE, Duration.ofSeconds(60));

    assertThatThrownBy(() -> p.present(elsewhere))
        .hasMessage("dns provider aws (route53): no public hosted zone holds _acme-challenge.example.org. in this"
            + " account; set option hosted-zone-id, or check the credentials");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "hosted-zone-id|zone 1|option hosted-zone-id: \"zone 1\" is not a hosted zone id (expected e.g. Z0123456789ABCDEFGHIJ)",
      "secret-access-key||option secret-access-key: is required when access-key-id is set",
      "access-key-id|${env:NOPE}|option access-key-id: ${env:NOPE}: environment variable NOPE is not set",
      "secret-access-key|plain-text-secret|option secret-access-key: must be a secret reference (${env:NAME} or ${file:/path})",
      "region|Mars|option region: \"Mars\" is not an AWS region (expected e.g. us-east-1)",
      "endpoint|http://route53.example.net|option endpoint: plain http is allowed only to a loopback address; use https",
      "endpoint|ftp://127.0.0.1/|option endpoint: \"ftp://127.0.0.1/\" is not an http(s) URL with a host (expected e.g. https://api.example.net/v1)",
      "ttl|0|option ttl: \"0\" is not a whole number from 1 to 172800",
      "propagation-timeout|forever|option propagation-timeout: \"forever\" is not a duration above zero (expected e.g. 500ms, 10s, 2m)",
      "poll-interval|0s|option poll-interval: \"0s\" is not a duration above zero (expected e.g. 500ms, 10s, 2m)",
      "zone|hachyderm.io.|unknown option zone (expected one of: hosted-zone-id, access-key-id, secret-access-key, region, endpoint, ttl, timeout, propagation-timeout, poll-interval)",
  })
  void badOptionsAreRejectedBeforeAnyCallNamingTheOption(String option, String value, String message) {
    assertThatThrownBy(() -> provider(option, value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dns provider aws (route53): " + message)
        .message().doesNotContain(SECRET);
    assertThat(fake.requests).isEmpty();
  }

  /**
   * {@code check} lists and validates providers without loading the AWS SDK: in a class loader with
   * certfleet's classes but no SDK, the factory describes itself and rejects bad options. Only a
   * valid create() loads the provider class, and with it the SDK.
   */
  @Test
  void theFactoryNeedsNoSdkClass() throws Exception {
    URL classes = Route53Factory.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader noSdk = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
      assertThat(noSdk.getResource("software/amazon/awssdk/services/route53/Route53Client.class")).isNull();
      Class<?> factoryClass = noSdk.loadClass("org.certfleet.dns.route53.Route53Factory");
      assertThat(factoryClass.getClassLoader()).isSameAs(noSdk);
      Class<?> sleeperClass = noSdk.loadClass("org.certfleet.time.Sleeper");
      Class<?> resolverClass = noSdk.loadClass("org.certfleet.config.SecretResolver");
      Object sleeper = Proxy.newProxyInstance(noSdk, new Class<?>[] {sleeperClass}, (o, m, a) -> null);
      Object factory = factoryClass.getConstructor(Clock.class, sleeperClass).newInstance(Clock.systemUTC(), sleeper);
      assertThat(factoryClass.getMethod("id").invoke(factory)).isEqualTo("route53");
      assertThat((List<?>) factoryClass.getMethod("options").invoke(factory)).hasSize(9);
      assertThat((String) factoryClass.getMethod("description").invoke(factory)).contains("INSYNC");
      Function<String, String> env = Map.of("AWS_ACCESS_KEY_ID", KEY_ID, "AWS_SECRET_ACCESS_KEY", SECRET)::get;
      Object resolver = resolverClass.getConstructor(Function.class).newInstance(env);
      Method create = factoryClass.getMethod("create", String.class, Map.class, resolverClass);
      assertThatThrownBy(() -> create.invoke(factory, "aws", options("ttl", "-1"), resolver))
          .isInstanceOf(InvocationTargetException.class)
          .cause().isInstanceOf(IllegalArgumentException.class).hasMessageContaining("option ttl");
    }
  }

  /** A clock the fake sleeper moves forward. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
