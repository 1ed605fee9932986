package org.certfleet.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.certfleet.cert.CertName;
import org.certfleet.cert.DnsName;
import org.certfleet.cert.KeyType;
import org.certfleet.config.AcmeConfig;
import org.certfleet.config.SecretRef;
import org.certfleet.config.SecretResolver;
import org.certfleet.testing.acme.PebbleFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real acme4j code path against a real Pebble (2.4: no ARI, no profiles), nonce rejection on. */
class AcmeIssuerIT {
  @TempDir static Path dir;
  static PebbleFixture pebble;

  @BeforeAll
  static void start() throws Exception {
    pebble = PebbleFixture.start(dir, 14100, 20);
  }

  @AfterAll
  static void stop() {
    if (pebble != null) {
      pebble.close();
    }
  }

  /** Publishes through challtestsrv and records what it did. */
  static final class ChalltestsrvSolver implements Dns01Solver {
    final PebbleFixture target;
    final List<String> log = new CopyOnWriteArrayList<>();
    boolean failPublish;

    ChalltestsrvSolver() {
      this(pebble);
    }

    ChalltestsrvSolver(PebbleFixture target) {
      this.target = target;
    }

    @Override
    public Publication publish(List<Challenge> challenges) throws Dns01Exception {
      List<String> names = new ArrayList<>();
      try {
        for (Challenge c : challenges) {
          String fqdn = "_acme-challenge." + c.domain() + ".";
          target.addTxt(fqdn, c.digest());
          names.add(fqdn);
          log.add("present " + fqdn);
        }
        if (failPublish) {
          throw new Dns01Exception("TXT " + names.get(0) + " not visible on ns1 after 1s");
        }
      } catch (IOException | InterruptedException e) {
        throw new Dns01Exception("challtestsrv: " + e.getMessage(), e);
      } catch (Dns01Exception e) {
        cleanup(names);
        throw e;
      }
      return () -> cleanup(names);
    }

    private void cleanup(List<String> names) throws Dns01Exception {
      try {
        for (String n : names) {
          target.clearTxt(n);
          log.add("cleanup " + n);
        }
      } catch (IOException | InterruptedException e) {
        throw new Dns01Exception("challtestsrv clean-up: " + e.getMessage(), e);
      }
    }
  }

  static final class MemoryAccounts implements AccountRepository {
    final Map<URI, StoredAccount> saved = new HashMap<>();

    @Override
    public Optional<StoredAccount> load(URI directory) {
      return Optional.ofNullable(saved.get(directory));
    }

    @Override
    public void save(URI directory, StoredAccount account) {
      saved.put(directory, account);
    }
  }

  static final class MemoryJournal implements OrderJournal {
    final Map<CertName, PendingOrder> orders = new HashMap<>();

    @Override
    public Optional<PendingOrder> pending(CertName name) {
      return Optional.ofNullable(orders.get(name));
    }

    @Override
    public void record(CertName name, PendingOrder order) {
      orders.put(name, order);
    }

    @Override
    public void clear(CertName name) {
      orders.remove(name);
    }
  }

  final MemoryAccounts accounts = new MemoryAccounts();
  final MemoryJournal journal = new MemoryJournal();
  final ChalltestsrvSolver solver = new ChalltestsrvSolver();

  AcmeIssuer issuer() {
    AcmeConfig config = new AcmeConfig(pebble.directory(), "ops@hachyderm.io", true, KeyType.EC_P256, null, null, pebble.tlsCa());
    return new AcmeIssuer(config, accounts, journal, new SecretResolver(n -> null), Clock.systemUTC(),
        d -> Thread.sleep(d.toMillis()), Duration.ofSeconds(1), Duration.ofSeconds(60));
  }

  static CertRequest request(String name, KeyType type, String... domains) {
    return new CertRequest(new CertName(name), List.of(domains).stream().map(DnsName::parse).toList(), type, null, null, null, null);
  }

  @Test
  void issuesOneCertificateForAllNamesIncludingAWildcardSharingItsRecordName() throws Exception {
    Issued issued = issuer().issue(request("hachyderm.io", KeyType.EC_P256, "hachyderm.io", "*.hachyderm.io", "www.hachyderm.io"), solver);

    X509Certificate leaf = issued.leaf();
    Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
    assertThat(sans.stream().map(l -> (Object) l.get(1)).toList()).containsExactlyInAnyOrder((Object) "hachyderm.io", "*.hachyderm.io", "www.hachyderm.io");
    assertThat(leaf.getPublicKey()).isEqualTo(issued.keyPair().getPublic());
    assertThat(issued.chain()).hasSizeGreaterThan(1);
    // Both the wildcard and the base name answer at _acme-challenge.hachyderm.io: two values, one name.
    assertThat(solver.log).filteredOn(l -> l.equals("present _acme-challenge.hachyderm.io.")).hasSize(2);
    assertThat(solver.log).filteredOn(l -> l.startsWith("cleanup")).hasSize(3);
    assertThat(accounts.saved).hasSize(1);
    assertThat(journal.orders).as("kept until the caller has stored the result").containsKey(new CertName("hachyderm.io"));
  }

  @Test
  void reuseKeyKeepsTheGivenKeyPair() throws Exception {
    KeyPair kept = org.certfleet.testing.TestCertificates.ecP256();
    CertRequest req = new CertRequest(new CertName("media.hachyderm.io"), List.of(DnsName.parse("media.hachyderm.io")),
        KeyType.EC_P256, null, null, kept, null);

    Issued issued = issuer().issue(req, solver);

    assertThat(issued.leaf().getPublicKey()).isEqualTo(kept.getPublic());
    assertThat(issued.keyPair().getPrivate()).isSameAs(kept.getPrivate());
  }

  @Test
  void aPreferredChainIsChosenByItsRootsIssuerNameAndAnUnknownOneFallsBackToTheDefault() throws Exception {
    X509Certificate defaultRoot = pebble.root(0);
    X509Certificate alternateRoot = pebble.root(1);
    String alternateCn = cn(alternateRoot);
    CertRequest alt = new CertRequest(new CertName("files.hachyderm.io"), List.of(DnsName.parse("files.hachyderm.io")),
        KeyType.EC_P256, null, null, null, alternateCn);
    CertRequest unknown = new CertRequest(new CertName("www.hachyderm.io"), List.of(DnsName.parse("www.hachyderm.io")),
        KeyType.EC_P256, null, null, null, "No Such Root CA");

    Issued preferred = issuer().issue(alt, solver);
    Issued fallback = issuer().issue(unknown, solver);

    X509Certificate top = preferred.chain().get(preferred.chain().size() - 1);
    assertThat(top.getIssuerX500Principal()).isEqualTo(alternateRoot.getSubjectX500Principal());
    X509Certificate defaultTop = fallback.chain().get(fallback.chain().size() - 1);
    assertThat(defaultTop.getIssuerX500Principal()).isEqualTo(defaultRoot.getSubjectX500Principal());
  }

  static String cn(X509Certificate c) {
    String dn = c.getSubjectX500Principal().getName();
    for (String part : dn.split(",")) {
      if (part.startsWith("CN=")) {
        return part.substring(3);
      }
    }
    throw new IllegalArgumentException("no CN in " + dn);
  }

  @Test
  void externalAccountBindingIsSentWhenTheCaRequiresIt(@TempDir Path eabDir) throws Exception {
    String hmac = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
    try (PebbleFixture eab = PebbleFixture.start(eabDir, 14200, 0, Map.of("kid-certfleet", hmac))) {
      AcmeConfig with = new AcmeConfig(eab.directory(), "ops@hachyderm.io", true, KeyType.EC_P256, null,
          new AcmeConfig.Eab("kid-certfleet", new SecretRef(SecretRef.Kind.ENV, "EAB_HMAC")), eab.tlsCa());
      AcmeConfig without = new AcmeConfig(eab.directory(), "ops@hachyderm.io", true, KeyType.EC_P256, null, null,
          eab.tlsCa());
      ChalltestsrvSolver solver = new ChalltestsrvSolver(eab);

      AcmeFailure refused = catchThrowableOfType(AcmeFailure.class, () -> new AcmeIssuer(without, new MemoryAccounts(),
          new MemoryJournal(), new SecretResolver(n -> null), Clock.systemUTC(), d -> Thread.sleep(d.toMillis()),
          Duration.ofSeconds(1), Duration.ofSeconds(60)).issue(request("a.hachyderm.io", KeyType.EC_P256, "a.hachyderm.io"),
          solver));
      assertThat(refused.getMessage()).contains("set acme.eab.key-id and acme.eab.hmac-key");

      MemoryAccounts accounts = new MemoryAccounts();
      Issued ok = new AcmeIssuer(with, accounts, new MemoryJournal(),
          new SecretResolver(n -> n.equals("EAB_HMAC") ? hmac : null), Clock.systemUTC(), d -> Thread.sleep(d.toMillis()),
          Duration.ofSeconds(1), Duration.ofSeconds(60)).issue(request("b.hachyderm.io", KeyType.EC_P256, "b.hachyderm.io"),
          solver);
      assertThat(ok.leaf()).isNotNull();
      assertThat(accounts.saved).hasSize(1);
    }
  }

  @Test
  void rsaKeysAndASecondCertificateReuseTheAccount() throws Exception {
    AcmeIssuer issuer = issuer();
    issuer.issue(request("a.hachyderm.io", KeyType.EC_P384, "a.hachyderm.io"), solver);
    Issued rsa = issuer.issue(request("files.hachyderm.io", KeyType.RSA_2048, "files.hachyderm.io"), solver);

    assertThat(rsa.leaf().getPublicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(accounts.saved).hasSize(1);
  }

  @Test
  void aProfileTheCaDoesNotOfferFailsAtTheOrderStep() {
    CertRequest req = new CertRequest(new CertName("media.hachyderm.io"), List.of(DnsName.parse("media.hachyderm.io")),
        KeyType.EC_P256, "shortlived", null, null, null);

    AcmeFailure f = catchThrowableOfType(AcmeFailure.class, () -> issuer().issue(req, solver));

    assertThat(f).hasMessage("media.hachyderm.io: order: profile \"shortlived\" is configured, but the CA offers no profiles");
    assertThat(solver.log).isEmpty();
  }

  @Test
  void aFailedPublishIsReportedWithTheStepAndCleansUpAndTheOrderResumesNextTime() throws Exception {
    solver.failPublish = true;
    CertRequest req = request("media.hachyderm.io", KeyType.EC_P256, "media.hachyderm.io");

    AcmeFailure f = catchThrowableOfType(AcmeFailure.class, () -> issuer().issue(req, solver));

    assertThat(f).hasMessage("media.hachyderm.io: dns-01 publish: TXT _acme-challenge.media.hachyderm.io. not visible on ns1 after 1s");
    assertThat(solver.log).containsExactly("present _acme-challenge.media.hachyderm.io.", "cleanup _acme-challenge.media.hachyderm.io.");
    var firstOrder = journal.orders.get(req.name()).location();

    solver.failPublish = false;
    Issued issued = issuer().issue(req, solver);

    assertThat(issued.orderLocation()).as("resumed, not ordered again").isEqualTo(firstOrder);
  }
}
