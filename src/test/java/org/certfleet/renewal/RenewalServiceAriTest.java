package org.certfleet.renewal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.certfleet.cert.CertName;
import org.certfleet.config.AppConfig;
import org.certfleet.config.ConfigLoader;
import org.certfleet.config.SecretResolver;
import org.certfleet.dns.DnsProviders;
import org.certfleet.store.FileCertificateStore;
import org.certfleet.store.Lineage;
import org.certfleet.store.LineageMetadata;
import org.certfleet.store.StoreLock;
import org.certfleet.testing.TestCatalogs;
import org.certfleet.testing.acme.AcmeFake;
import org.certfleet.testing.acme.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RenewalService} with the real acme4j client against {@link AcmeFake}: the ARI window is
 * fetched, stored and followed, renewals name what they replace, profiles reach the CA, and CA faults
 * leave the old certificate live with the right back-off.
 */
@Timeout(120)
class RenewalServiceAriTest {
  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  static final CertName MEDIA = new CertName("media.hachyderm.io");

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);
  final List<String> dnsLog = new CopyOnWriteArrayList<>();
  final RenewalPolicy policy = new RenewalPolicy(42);
  AcmeFake ca;

  @BeforeEach
  void start() throws Exception {
    ca = AcmeFake.start(dir, clock);
  }

  @AfterEach
  void stop() {
    ca.close();
  }

  AppConfig config(String profile) throws Exception {
    Path file = dir.resolve("certs.yaml");
    Files.writeString(file, """
        acme: {directory: "%s", email: ops@hachyderm.io, agree-to-terms: true, ca-certificates: "%s"%s}
        dns:
          providers:
            - {name: never-used, type: exec, options: {command: /bin/false}}
        certificates:
          - {name: media.hachyderm.io, domains: [media.hachyderm.io], deploy-to: []}
        nodes: []
        state: {dir: state}
        """.formatted(ca.directory(), ca.tlsCaFile(), profile == null ? "" : ", profile: " + profile));
    return new ConfigLoader(TestCatalogs.dns(), TestCatalogs.channels()).load(file);
  }

  List<Outcome> run(AppConfig config, boolean force) throws Exception {
    RenewalService service = new RenewalService(config, new DnsProviders(List.of()), new SecretResolver(n -> null), clock,
        clock.sleeper(), policy, c -> ca.solver(dnsLog));
    try (StoreLock lock = StoreLock.acquire(config.stateDir(), clock)) {
      return service.renew(lock, config.certificates(), force);
    }
  }

  static Outcome only(List<Outcome> outcomes) {
    assertThat(outcomes).hasSize(1);
    return outcomes.get(0);
  }

  LineageMetadata meta(AppConfig config) throws Exception {
    return FileCertificateStore.readOnly(config.stateDir()).metadata(MEDIA);
  }

  Lineage live(AppConfig config) throws Exception {
    return FileCertificateStore.readOnly(config.stateDir()).find(MEDIA).orElseThrow();
  }

  X509Certificate leaf(AppConfig config) throws Exception {
    return FileCertificateStore.readOnly(config.stateDir()).load(MEDIA, live(config).version()).leaf();
  }

  /** The fake suggests days 50 to 52 of each certificate's life. */
  void windowOnDays50To52() {
    ca.renewalWindow((cert, now) -> {
      Instant from = cert.getNotBefore().toInstant();
      return new AcmeFake.Window(from.plus(Duration.ofDays(50)), from.plus(Duration.ofDays(52)), "https://ca.invalid/why");
    });
  }

  @Test
  void theWindowIsStoredAfterIssuingAndRenewalHappensAtTheStableMomentInsideItNotBefore() throws Exception {
    windowOnDays50To52();
    AppConfig config = config(null);

    Outcome first = only(run(config, false));

    assertThat(first.kind()).as(first.detail()).isEqualTo(Outcome.Kind.RENEWED);
    X509Certificate v1 = leaf(config);
    LineageMetadata.AriWindow ari = meta(config).ari();
    assertThat(ari).isEqualTo(new LineageMetadata.AriWindow(T0.plus(Duration.ofDays(50)), T0.plus(Duration.ofDays(52)),
        "https://ca.invalid/why", T0.plus(Duration.ofHours(6))));
    assertThat(ca.renewalInfoRequests()).containsExactly(AcmeFake.certId(v1));

    Instant at = policy.renewalMoment(live(config), ari);
    assertThat(at).isBetween(ari.start(), ari.end());

    clock.set(at.minusSeconds(1));
    Outcome early = only(run(config, false));
    assertThat(early.kind()).isEqualTo(Outcome.Kind.SKIPPED);
    assertThat(early.detail()).isEqualTo("due at " + at + ", inside the CA's renewal window " + ari.start() + " .. " + ari.end());
    assertThat(ca.renewalInfoRequests()).as("asked again: its Retry-After had passed").hasSize(2);

    clock.set(at);
    Outcome renewed = only(run(config, false));
    assertThat(renewed.kind()).as(renewed.detail()).isEqualTo(Outcome.Kind.RENEWED);
    assertThat(renewed.version()).isEqualTo(2);
    assertThat(ca.orders()).extracting(AcmeFake.OrderSeen::replaces).containsExactly(null, AcmeFake.certId(v1));
    assertThat(meta(config).ari().start()).as("the new certificate's own window")
        .isEqualTo(leaf(config).getNotBefore().toInstant().plus(Duration.ofDays(50)));
  }

  @Test
  void renewalInfoIsAskedAgainOnlyAfterTheCasRetryAfterBoundedToAMinute() throws Exception {
    windowOnDays50To52();
    ca.renewalInfoRetryAfter(Duration.ofSeconds(5));
    AppConfig config = config(null);
    run(config, false);
    // Fetched right after issuing, at the end of the run.
    assertThat(meta(config).ari().retryAfter()).isEqualTo(clock.instant().plus(Duration.ofMinutes(1)));

    clock.advance(Duration.ofSeconds(30));
    run(config, false);
    assertThat(ca.renewalInfoRequests()).hasSize(1);

    clock.advance(Duration.ofSeconds(31));
    run(config, false);
    assertThat(ca.renewalInfoRequests()).hasSize(2);
  }

  @Test
  void aCaWithoutAriOrProfilesLeavesTheDecisionToTheLifetimeRuleAndGetsNoReplaces() throws Exception {
    ca.withoutAri().withoutProfiles();
    AppConfig config = config(null);
    run(config, false);
    assertThat(meta(config).ari()).isNull();

    clock.set(T0.plus(Duration.ofDays(59)));
    Outcome notYet = only(run(config, false));
    clock.set(T0.plus(Duration.ofDays(60)));
    Outcome due = only(run(config, false));

    assertThat(notYet.kind()).isEqualTo(Outcome.Kind.SKIPPED);
    assertThat(notYet.detail()).contains("due at " + T0.plus(Duration.ofDays(60)));
    assertThat(due.kind()).as(due.detail()).isEqualTo(Outcome.Kind.RENEWED);
    assertThat(ca.renewalInfoRequests()).isEmpty();
    assertThat(ca.orders()).extracting(AcmeFake.OrderSeen::replaces).containsExactly(null, null);
  }

  @Test
  void aFailingRenewalInfoFetchIsNotAFailureAndTheLifetimeRuleDecides() throws Exception {
    ca.renewalInfoFails(true);
    AppConfig config = config(null);

    Outcome first = only(run(config, false));
    clock.set(T0.plus(Duration.ofDays(30)));
    Outcome later = only(run(config, false));

    assertThat(first.kind()).isEqualTo(Outcome.Kind.RENEWED);
    assertThat(meta(config).ari()).isNull();
    assertThat(meta(config).nextAttemptNotBefore()).isNull();
    assertThat(later.kind()).isEqualTo(Outcome.Kind.SKIPPED);
    assertThat(later.detail()).contains("due at " + T0.plus(Duration.ofDays(60)));
    assertThat(ca.renewalInfoRequests()).as("asked after issuing and again at the next run").hasSize(2);
  }

  @Test
  void theConfiguredProfileIsSentAndAnUnknownOneFailsBeforeOrdering() throws Exception {
    only(run(config("shortlived"), false));
    assertThat(ca.orders()).extracting(AcmeFake.OrderSeen::profile).containsExactly("shortlived");

    Outcome refused = only(run(config("tlsserver"), true));

    assertThat(refused.kind()).isEqualTo(Outcome.Kind.FAILED);
    assertThat(refused.step()).isEqualTo("order");
    assertThat(refused.detail()).startsWith(
        "media.hachyderm.io: order: profile \"tlsserver\" is not offered by the CA (offered: classic, shortlived)");
    assertThat(ca.newOrderCount()).isEqualTo(1);
  }

  @Test
  void aRateLimitFailsNamingCertificateDomainAndStepBacksOffByRetryAfterAndKeepsTheOldCertificateLive() throws Exception {
    AppConfig config = config(null);
    run(config, false);
    String v1 = live(config).facts().serial();
    ca.rateLimitOrdersFor("media.hachyderm.io", Duration.ofHours(3));

    Outcome failed = only(run(config, true));

    assertThat(failed.kind()).isEqualTo(Outcome.Kind.FAILED);
    assertThat(failed.step()).isEqualTo("order");
    assertThat(failed.detail()).startsWith("media.hachyderm.io: order of media.hachyderm.io: rate limited by the CA until "
        + T0.plus(Duration.ofHours(3)));
    assertThat(failed.detail()).endsWith("(next attempt not before " + T0.plus(Duration.ofHours(3)) + ")");
    assertThat(meta(config).nextAttemptNotBefore()).isEqualTo(T0.plus(Duration.ofHours(3)));
    assertThat(live(config).version()).isEqualTo(1);
    assertThat(live(config).facts().serial()).isEqualTo(v1);

    clock.advance(Duration.ofHours(1));
    Outcome held = only(run(config, false));
    assertThat(held.detail()).startsWith("backing off after 1 failure(s) until " + T0.plus(Duration.ofHours(3)));
    assertThat(ca.newOrderCount()).isEqualTo(2);
  }

  @Test
  void aCrashBetweenFinalizeAndDownloadResumesThePersistedOrderInsteadOfOrderingAgain() throws Exception {
    AppConfig config = config(null);
    ca.failDownloads(1);

    Outcome crashed = only(run(config, false));

    assertThat(crashed.kind()).isEqualTo(Outcome.Kind.FAILED);
    assertThat(crashed.step()).isEqualTo("download");
    assertThat(config.stateDir().resolve("acme/orders/media.hachyderm.io.json")).exists();
    assertThat(config.stateDir().resolve("acme/orders/media.hachyderm.io.key.pem")).exists();
    assertThat(FileCertificateStore.readOnly(config.stateDir()).find(MEDIA)).isEmpty();

    clock.advance(Duration.ofMinutes(1));
    Outcome resumed = only(run(config, false));

    assertThat(resumed.kind()).as(resumed.detail()).isEqualTo(Outcome.Kind.RENEWED);
    assertThat(ca.newOrderCount()).isEqualTo(1);
    assertThat(config.stateDir().resolve("acme/orders/media.hachyderm.io.json")).doesNotExist();
    assertThat(config.stateDir().resolve("acme/orders/media.hachyderm.io.key.pem")).doesNotExist();
  }
}
