package org.certfleet.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.certfleet.cert.CertName;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.cert.Pem;
import org.certfleet.config.AppConfig;
import org.certfleet.config.ConfigLoader;
import org.certfleet.config.SecretResolver;
import org.certfleet.probe.Endpoint;
import org.certfleet.probe.ProbeResult;
import org.certfleet.probe.TlsProber;
import org.certfleet.renewal.RenewalPolicy;
import org.certfleet.ssh.SshConnector;
import org.certfleet.store.FileCertificateStore;
import org.certfleet.store.LineageMetadata;
import org.certfleet.store.StoreLock;
import org.certfleet.testing.TestCatalogs;
import org.certfleet.testing.TestCertificates;
import org.certfleet.testing.ssh.FakeNode;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inventory findings against in-process SSH nodes and a prober that reports what each node serves. */
class InventoryTest {
  static final String CERT = "media.hachyderm.io";
  static final String LIVE = "/etc/letsencrypt/live/" + CERT;
  static final String ARCHIVE = "/etc/letsencrypt/archive/" + CERT;
  static final TestCertificates CA = TestCertificates.ca("inventory test CA");
  static final Instant NOW = Instant.now();

  @TempDir Path dir;
  final KeyPair clientKey = TestCertificates.ecP256();
  final Map<String, FakeNode> nodes = new LinkedHashMap<>();
  Path knownHosts;
  Path keyFile;
  String certExtra = "";

  @BeforeEach
  void setUp() throws IOException {
    keyFile = FakeNode.writeClientKey(dir.resolve("id"), clientKey);
    knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, "");
  }

  @AfterEach
  void tearDown() throws IOException {
    for (FakeNode n : nodes.values()) {
      n.close();
    }
  }

  FakeNode node(String name, CertificateBundle holds, boolean pinned) throws IOException {
    FakeNode n = FakeNode.start(dir.resolve("nodes"), name, clientKey.getPublic());
    nodes.put(name, n);
    if (pinned) {
      Files.writeString(knownHosts, n.knownHostsLine() + "\n", java.nio.file.StandardOpenOption.APPEND);
    }
    n.installCertbot(CERT, holds);
    n.serveFrom(LIVE + "/fullchain.pem");
    return n;
  }

  static CertificateBundle cert(Duration age, Duration lifetime, String... names) {
    return CA.leaf(TestCertificates.ecP256(), NOW.minus(age), lifetime, names);
  }

  InventoryReport scan(CertificateBundle issued, @Nullable LineageMetadata meta, List<X509Certificate> roots)
      throws Exception {
    Path file = dir.resolve("certs.yaml");
    String yaml = FakeNode.config(keyFile, knownHosts, nodes.values(), Map.of(), "", dir.resolve("state"))
        .replace("    deploy-to: [cdn]\n", "    deploy-to: [cdn]\n" + certExtra);
    Files.writeString(file, yaml);
    AppConfig config = new ConfigLoader(TestCatalogs.dns(), TestCatalogs.channels()).load(file);
    try (StoreLock lock = StoreLock.acquire(config.stateDir(), Clock.systemUTC())) {
      FileCertificateStore store = FileCertificateStore.writable(lock);
      if (store.find(new CertName(CERT)).isEmpty()) {
        store.save(new CertName(CERT), issued);
      }
      if (meta != null) {
        store.writeMetadata(meta);
      }
    }
    try (SshConnector ssh = new SshConnector(SecretResolver.system())) {
      return new Inventory(config, FileCertificateStore.readOnly(config.stateDir()), ssh, prober(), roots,
          new RenewalPolicy(), Clock.systemUTC()).scan(config.certificates());
    }
  }

  TlsProber prober() {
    return (Endpoint e, Duration timeout) -> {
      FakeNode n = nodes.values().stream().filter(x -> x.port() == e.port()).findFirst().orElseThrow();
      X509Certificate leaf = n.served(e.sni());
      return leaf == null
          ? new ProbeResult(e, List.of(), "connection refused", Duration.ZERO)
          : new ProbeResult(e, List.of(leaf), null, Duration.ZERO);
    };
  }

  static List<String> keys(InventoryReport r) {
    List<String> out = new ArrayList<>();
    r.findings().forEach(f -> out.add(f.key()));
    return out;
  }

  @Test
  void everythingCurrentAndTrustedHasNoFindings() throws Exception {
    CertificateBundle current = cert(Duration.ofDays(1), Duration.ofDays(90), CERT);
    node("n1", current, true);
    node("n2", current, true);

    InventoryReport r = scan(current, null, List.of(CA.caCertificate()));

    assertThat(r.findings()).isEmpty();
    assertThat(r.worst()).isNull();
    InventoryReport.NodeView n1 = r.certificates().get(0).nodes().get(0);
    assertThat(n1.deployed().cert().sha256()).isEqualTo(current.facts().sha256());
    assertThat(n1.deployed().keyMatches()).isTrue();
    assertThat(n1.served()).singleElement().satisfies(s -> assertThat(s.leaf().sha256()).isEqualTo(current.facts().sha256()));
  }

  @Test
  void aNodeStillOnTheOldShortLivedCertificateIsDriftAndExpiring() throws Exception {
    CertificateBundle current = cert(Duration.ofDays(1), Duration.ofDays(90), CERT);
    CertificateBundle old = cert(Duration.ofHours(108), Duration.ofDays(5), CERT);
    node("n1", current, true);
    node("n2", old, true);

    InventoryReport r = scan(current, null, List.of(CA.caCertificate()));

    assertThat(keys(r)).containsExactlyInAnyOrder("DRIFT:" + CERT + ":n2", "DRIFT:" + CERT + ":n2:" + CERT,
        "EXPIRING:" + CERT + ":n2:" + CERT);
    assertThat(r.findings()).filteredOn(f -> f.type() == FindingType.EXPIRING).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("n2 (" + CERT + "): serial " + old.facts().serial() + " expires in 1"));
    assertThat(r.worst()).isEqualTo(Severity.WARNING);
  }

  @Test
  void expiringUsesWarnBeforeForLongLifetimes() throws Exception {
    CertificateBundle ninety = cert(Duration.ofDays(80), Duration.ofDays(90), CERT);
    node("n1", ninety, true);

    assertThat(keys(scan(ninety, null, List.of(CA.caCertificate())))).containsExactly("EXPIRING:" + CERT);
  }

  @Test
  void shortLifetimesAreExpiringOnlyInTheirLastQuarter() throws Exception {
    CertificateBundle halfway = cert(Duration.ofDays(3), Duration.ofDays(6), CERT);
    node("n1", halfway, true);
    assertThat(scan(halfway, null, List.of(CA.caCertificate())).findings()).as("3 of 6 days left").isEmpty();
  }

  @Test
  void aShortLivedCertificateInItsLastQuarterIsExpiring() throws Exception {
    CertificateBundle lastDay = cert(Duration.ofDays(5), Duration.ofDays(6), CERT);
    node("n1", lastDay, true);
    assertThat(keys(scan(lastDay, null, List.of(CA.caCertificate())))).containsExactly("EXPIRING:" + CERT);
  }

  @Test
  void anExpiredCurrentCertificateIsCritical() throws Exception {
    CertificateBundle expired = cert(Duration.ofDays(10), Duration.ofDays(5), CERT);
    node("n1", expired, true);

    InventoryReport r = scan(expired, null, List.of(CA.caCertificate()));

    assertThat(keys(r)).contains("EXPIRED:" + CERT, "CHAIN_INVALID:" + CERT + ":n1:" + CERT);
    assertThat(r.worst()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void aKeyThatDoesNotBelongToTheCertificateIsCritical() throws Exception {
    CertificateBundle current = cert(Duration.ofDays(1), Duration.ofDays(90), CERT);
    FakeNode n = node("n1", current, true);
    Files.write(n.file(ARCHIVE + "/privkey1.pem"), Pem.encode(TestCertificates.ecP256().getPrivate()));

    InventoryReport r = scan(current, null, List.of(CA.caCertificate()));

    assertThat(keys(r)).containsExactly("KEY_MISMATCH:" + CERT + ":n1");
    assertThat(r.findings().get(0).message()).contains("does not belong to the certificate");
  }

  @Test
  void aWrongNameAndAnUnknownVanityCertificateAreFound() throws Exception {
    CertificateBundle current = cert(Duration.ofDays(1), Duration.ofDays(90), CERT);
    FakeNode n1 = node("n1", current, true);
    certExtra = "    probe: [vanity.example.org]\n";
    n1.serve(CERT, cert(Duration.ofDays(1), Duration.ofDays(90), "other.example.org").leaf());
    n1.serve("vanity.example.org", TestCertificates.ca("someone else's CA").leaf(Duration.ofDays(60), "vanity.example.org")
        .leaf());

    InventoryReport r = scan(current, null, List.of(CA.caCertificate()));

    assertThat(keys(r)).containsExactlyInAnyOrder("NAME_MISMATCH:" + CERT + ":n1:" + CERT, "DRIFT:" + CERT + ":n1:" + CERT,
        "UNKNOWN_CERT:" + CERT + ":n1:vanity.example.org", "CHAIN_INVALID:" + CERT + ":n1:vanity.example.org");
  }

  @Test
  void aChainThatEndsAtAnUntrustedRootIsCritical() throws Exception {
    CertificateBundle current = cert(Duration.ofDays(1), Duration.ofDays(90), CERT);
    node("n1", current, true);

    InventoryReport r = scan(current, null, List.of());

    assertThat(keys(r)).containsExactly("CHAIN_INVALID:" + CERT + ":n1:" + CERT);
    assertThat(r.findings().get(0).message()).contains("NO_TRUST_ANCHOR");
  }

  @Test
  void unreachableNodesAndEndpointsAreFindingsNotSkips() throws Exception {
    CertificateBundle current = cert(Duration.ofDays(1), Duration.ofDays(90), CERT);
    node("n1", current, false);
    FakeNode down = node("n2", current, true);
    down.down = true;

    InventoryReport r = scan(current, null, List.of(CA.caCertificate()));

    assertThat(keys(r)).containsExactlyInAnyOrder("UNREACHABLE:" + CERT + ":n1", "UNREACHABLE:" + CERT + ":n2:" + CERT);
    assertThat(r.findings()).filteredOn(f -> f.key().equals("UNREACHABLE:" + CERT + ":n1")).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("is not in " + knownHosts));
  }

  @Test
  void aFailingRenewalThatIsDueIsReported() throws Exception {
    CertificateBundle dueSoon = cert(Duration.ofDays(70), Duration.ofDays(90), CERT);
    node("n1", dueSoon, true);
    LineageMetadata failing = LineageMetadata.empty(CERT)
        .withAttempt(new LineageMetadata.RenewalAttempt(NOW.minus(Duration.ofDays(2)), true, null, null))
        .withAttempt(new LineageMetadata.RenewalAttempt(NOW.minus(Duration.ofHours(2)), false, "dns-01 publish", "NOTAUTH"))
        .withNextAttemptNotBefore(NOW.plus(Duration.ofHours(20)));

    InventoryReport r = scan(dueSoon, failing, List.of(CA.caCertificate()));

    assertThat(keys(r)).containsExactly("RENEWAL_FAILING:" + CERT);
    assertThat(r.findings().get(0).message()).contains("1 attempt(s) failed", "(dns-01 publish): NOTAUTH");
    InventoryReport.CertView view = r.certificates().get(0);
    assertThat(view.lastRenewalFailure().error()).isEqualTo("NOTAUTH");
    assertThat(view.failuresSinceSuccess()).isEqualTo(1);
  }

  @Test
  void aFailedAttemptOnACertificateThatIsNotDueYetIsNoFinding() throws Exception {
    CertificateBundle fresh = cert(Duration.ofDays(1), Duration.ofDays(90), CERT);
    node("n1", fresh, true);
    LineageMetadata failed = LineageMetadata.empty(CERT)
        .withAttempt(new LineageMetadata.RenewalAttempt(NOW.minus(Duration.ofHours(2)), false, "order", "rateLimited"));

    assertThat(scan(fresh, failed, List.of(CA.caCertificate())).findings()).isEmpty();
  }
}
