package org.certfleet.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.certfleet.cert.CertName;
import org.certfleet.cert.DnsName;
import org.certfleet.cert.KeyType;
import org.certfleet.config.AcmeConfig;
import org.certfleet.config.SecretResolver;
import org.certfleet.testing.acme.AcmeFake;
import org.certfleet.testing.acme.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real acme4j code path against {@link AcmeFake}: ARI, replaces, profiles, nonces, CA faults, resumption. */
@Timeout(60)
class AcmeIssuerTest {
  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);
  final List<String> dnsLog = new CopyOnWriteArrayList<>();
  final MemoryAccounts accounts = new MemoryAccounts();
  final MemoryJournal journal = new MemoryJournal();
  AcmeFake ca;

  @BeforeEach
  void start() throws Exception {
    ca = AcmeFake.start(dir, clock);
  }

  @AfterEach
  void stop() {
    ca.close();
  }

  static final class MemoryAccounts implements AccountRepository {
    final Map<URI, StoredAccount> saved = new HashMap<>();

    @Override
    public synchronized Optional<StoredAccount> load(URI directory) {
      return Optional.ofNullable(saved.get(directory));
    }

    @Override
    public synchronized void save(URI directory, StoredAccount account) {
      saved.put(directory, account);
    }
  }

  static final class MemoryJournal implements OrderJournal {
    final Map<CertName, PendingOrder> orders = new HashMap<>();

    @Override
    public synchronized Optional<PendingOrder> pending(CertName name) {
      return Optional.ofNullable(orders.get(name));
    }

    @Override
    public synchronized void record(CertName name, PendingOrder order) {
      orders.put(name, order);
    }

    @Override
    public synchronized void clear(CertName name) {
      orders.remove(name);
    }
  }

  /** A new issuer is a new process: nothing but the accounts and the journal survives. */
  AcmeIssuer issuer() {
    AcmeConfig config = new AcmeConfig(ca.directory(), "ops@hachyderm.io", true, KeyType.EC_P256, null, null, ca.tlsCaFile());
    return new AcmeIssuer(config, accounts, journal, new SecretResolver(n -> null), clock, clock.sleeper(),
        Duration.ofSeconds(1), Duration.ofSeconds(60));
  }

  static CertRequest request(String profile, X509Certificate replaces, String... domains) {
    return new CertRequest(new CertName(domains[0].replace("*.", "")), List.of(domains).stream().map(DnsName::parse).toList(),
        KeyType.EC_P256, profile, replaces, null, null);
  }

  @Test
  void issuesWithTheConfiguredProfileSignedRequestsAndARetriedBadNonce() throws Exception {
    ca.rejectNonces(1);

    Issued issued = issuer().issue(request("shortlived", null, "hachyderm.io", "*.hachyderm.io"), ca.solver(dnsLog));

    assertThat(issued.leaf().getSubjectAlternativeNames().stream().map(l -> (Object) l.get(1)).toList())
        .containsExactlyInAnyOrder("hachyderm.io", "*.hachyderm.io");
    assertThat(issued.leaf().getPublicKey()).isEqualTo(issued.keyPair().getPublic());
    assertThat(issued.leaf().getNotBefore().toInstant()).isEqualTo(T0);
    assertThat(ca.orders()).containsExactly(new AcmeFake.OrderSeen(List.of("hachyderm.io", "*.hachyderm.io"), null, "shortlived"));
    assertThat(ca.badNoncesSent()).as("acme4j retried the rejected nonce").isEqualTo(1);
    assertThat(dnsLog).containsExactly("present _acme-challenge.hachyderm.io.", "present _acme-challenge.hachyderm.io.",
        "cleanup _acme-challenge.hachyderm.io.", "cleanup _acme-challenge.hachyderm.io.");
    assertThat(ca.txt("_acme-challenge.hachyderm.io.")).isEmpty();
    assertThat(ca.accountCount()).isEqualTo(1);
  }

  @Test
  void aProfileTheCaDoesNotOfferIsRefusedBeforeOrdering() {
    AcmeFailure f = catchThrowableOfType(AcmeFailure.class,
        () -> issuer().issue(request("tlsserver", null, "media.hachyderm.io"), ca.solver(dnsLog)));

    assertThat(f).hasMessage("media.hachyderm.io: order: profile \"tlsserver\" is not offered by the CA (offered: classic, shortlived)");
    assertThat(f.step()).isEqualTo(AcmeStep.ORDER);
    assertThat(ca.newOrderCount()).isZero();
    assertThat(dnsLog).isEmpty();
  }

  @Test
  void aCaWithoutProfilesRefusesAConfiguredProfileButIssuesWithoutOne() throws Exception {
    ca.withoutProfiles();

    AcmeFailure f = catchThrowableOfType(AcmeFailure.class,
        () -> issuer().issue(request("shortlived", null, "media.hachyderm.io"), ca.solver(dnsLog)));
    issuer().issue(request(null, null, "media.hachyderm.io"), ca.solver(dnsLog));

    assertThat(f).hasMessage("media.hachyderm.io: order: profile \"shortlived\" is configured, but the CA offers no profiles");
    assertThat(ca.orders()).containsExactly(new AcmeFake.OrderSeen(List.of("media.hachyderm.io"), null, null));
  }

  @Test
  void aRenewalOrderNamesTheCertificateItReplacesByItsAriCertId() throws Exception {
    Issued first = issuer().issue(request(null, null, "media.hachyderm.io"), ca.solver(dnsLog));
    journal.clear(new CertName("media.hachyderm.io"));

    Issued second = issuer().issue(request(null, first.leaf(), "media.hachyderm.io"), ca.solver(dnsLog));

    assertThat(ca.orders()).extracting(AcmeFake.OrderSeen::replaces).containsExactly(null, AcmeFake.certId(first.leaf()));
    assertThat(second.leaf().getSerialNumber()).isNotEqualTo(first.leaf().getSerialNumber());
  }

  @Test
  void theRenewalWindowIsTheCasWithItsExplanationAndRetryAfter() throws Exception {
    Instant start = T0.plus(Duration.ofDays(55));
    ca.renewalWindow((cert, now) -> new AcmeFake.Window(start, start.plus(Duration.ofDays(2)), "https://ca.invalid/incident/7"))
        .renewalInfoRetryAfter(Duration.ofHours(3));
    Issued issued = issuer().issue(request(null, null, "media.hachyderm.io"), ca.solver(dnsLog));

    Optional<RenewalWindow> w = issuer().renewalWindow(new CertName("media.hachyderm.io"), issued.leaf());

    assertThat(w).contains(new RenewalWindow(start, start.plus(Duration.ofDays(2)), URI.create("https://ca.invalid/incident/7").toURL(),
        T0.plus(Duration.ofHours(3))));
    assertThat(ca.renewalInfoRequests()).containsExactly(AcmeFake.certId(issued.leaf()));
  }

  @Test
  void aCaWithoutAriGivesNoWindowAndNoReplaces() throws Exception {
    ca.withoutAri();
    Issued first = issuer().issue(request(null, null, "media.hachyderm.io"), ca.solver(dnsLog));
    journal.clear(new CertName("media.hachyderm.io"));

    Optional<RenewalWindow> w = issuer().renewalWindow(new CertName("media.hachyderm.io"), first.leaf());
    issuer().issue(request(null, first.leaf(), "media.hachyderm.io"), ca.solver(dnsLog));

    assertThat(w).isEmpty();
    assertThat(ca.renewalInfoRequests()).isEmpty();
    assertThat(ca.orders()).extracting(AcmeFake.OrderSeen::replaces).containsExactly(null, null);
  }

  @Test
  void aFailedRenewalInfoFetchIsAFailureAtThatStep() throws Exception {
    Issued issued = issuer().issue(request(null, null, "media.hachyderm.io"), ca.solver(dnsLog));
    ca.renewalInfoFails(true);

    AcmeFailure f = catchThrowableOfType(AcmeFailure.class,
        () -> issuer().renewalWindow(new CertName("media.hachyderm.io"), issued.leaf()));

    assertThat(f.step()).isEqualTo(AcmeStep.RENEWAL_INFO);
    assertThat(f).hasMessageStartingWith("media.hachyderm.io: renewal info: the CA answered urn:ietf:params:acme:error:serverInternal");
  }

  @Test
  void aRateLimitNamesCertificateDomainAndStepAndCarriesTheCasRetryAfter() {
    ca.rateLimitOrdersFor("files.hachyderm.io", Duration.ofHours(2));

    AcmeFailure f = catchThrowableOfType(AcmeFailure.class,
        () -> issuer().issue(request(null, null, "files.hachyderm.io"), ca.solver(dnsLog)));

    assertThat(f).hasMessage("files.hachyderm.io: order of files.hachyderm.io: rate limited by the CA until "
        + T0.plus(Duration.ofHours(2)) + ": too many certificates for files.hachyderm.io in the last 7 days");
    assertThat(f.retryAfter()).contains(T0.plus(Duration.ofHours(2)));
    assertThat(dnsLog).isEmpty();
  }

  @Test
  void aCrashBetweenFinalizeAndDownloadResumesTheOrderWithTheJournalledKey() throws Exception {
    ca.failDownloads(1);
    CertRequest req = request(null, null, "media.hachyderm.io");

    AcmeFailure f = catchThrowableOfType(AcmeFailure.class, () -> issuer().issue(req, ca.solver(dnsLog)));
    OrderJournal.PendingOrder pending = journal.pending(req.name()).orElseThrow();
    Issued issued = issuer().issue(req, ca.solver(dnsLog));

    assertThat(f).hasMessageStartingWith("media.hachyderm.io: download of media.hachyderm.io: the CA answered");
    assertThat(pending.keyPair()).isNotNull();
    assertThat(ca.newOrderCount()).as("resumed, not ordered again").isEqualTo(1);
    assertThat(issued.orderLocation()).isEqualTo(pending.location());
    assertThat(issued.keyPair().getPrivate()).isEqualTo(pending.keyPair().getPrivate());
    assertThat(issued.leaf().getPublicKey()).isEqualTo(pending.keyPair().getPublic());
    assertThat(dnsLog).filteredOn(l -> l.startsWith("present")).as("validated once").hasSize(1);
  }

  @Test
  void aServerErrorOnFinalizeIsReportedAndTheNextRunFinalizesTheSameOrder() throws Exception {
    ca.failFinalize(1);
    CertRequest req = request(null, null, "media.hachyderm.io");

    AcmeFailure f = catchThrowableOfType(AcmeFailure.class, () -> issuer().issue(req, ca.solver(dnsLog)));
    Issued issued = issuer().issue(req, ca.solver(dnsLog));

    assertThat(f.step()).isEqualTo(AcmeStep.FINALIZE);
    assertThat(f).hasMessageContaining("media.hachyderm.io: finalize of media.hachyderm.io: the CA answered "
        + "urn:ietf:params:acme:error:serverInternal: the signer is unavailable");
    assertThat(ca.newOrderCount()).isEqualTo(1);
    assertThat(issued.leaf().getPublicKey()).isEqualTo(issued.keyPair().getPublic());
  }
}
