package org.certfleet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.certfleet.audit.AuditEntry;
import org.certfleet.audit.AuditLog;
import org.certfleet.cert.CertFacts;
import org.certfleet.cert.CertName;
import org.certfleet.cert.Pem;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.config.AppConfig;
import org.certfleet.config.ConfigLoader;
import org.certfleet.config.SecretResolver;
import org.certfleet.probe.Endpoint;
import org.certfleet.probe.ProbeResult;
import org.certfleet.probe.TlsProber;
import org.certfleet.ssh.SshConnector;
import org.certfleet.store.FileCertificateStore;
import org.certfleet.store.StoreLock;
import org.certfleet.testing.TestCatalogs;
import org.certfleet.testing.TestCertificates;
import org.certfleet.testing.ssh.FakeNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distribution against Apache MINA's in-process SSH server with SFTP over real directories and a
 * recording fake nginx; what a node "serves" is what its files held at its last effective reload.
 */
class DistributorTest {
  static final String CERT = "media.hachyderm.io";
  static final String LIVE = "/etc/letsencrypt/live/" + CERT;
  static final String ARCHIVE = "/etc/letsencrypt/archive/" + CERT;
  static final TestCertificates CA = TestCertificates.ca("certfleet test CA");

  @TempDir Path dir;
  final KeyPair clientKey = TestCertificates.ecP256();
  final Map<String, FakeNode> nodes = new LinkedHashMap<>();
  final CertificateBundle old = CA.leaf(Duration.ofDays(5), CERT);
  final CertificateBundle next = CA.leaf(Duration.ofDays(90), CERT);
  Path knownHosts;
  Path keyFile;
  Map<String, String> deploySettings = new LinkedHashMap<>();
  Map<String, String> extraNodeSettings = new LinkedHashMap<>();
  Map<String, String> yamlEdits = new LinkedHashMap<>();

  @BeforeEach
  void setUp() throws IOException {
    keyFile = FakeNode.writeClientKey(dir.resolve("id_client"), clientKey);
    knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, "");
  }

  @AfterEach
  void tearDown() throws IOException {
    for (FakeNode n : nodes.values()) {
      n.close();
    }
  }

  FakeNode node(String name) throws IOException {
    return node(name, 0, true, true);
  }

  FakeNode node(String name, int sftpVersion, boolean posixRename, boolean pinned) throws IOException {
    FakeNode n = FakeNode.start(dir.resolve("nodes"), name, clientKey.getPublic(), TestCertificates.ecP256(), sftpVersion,
        posixRename);
    nodes.put(name, n);
    if (pinned) {
      Files.writeString(knownHosts, n.knownHostsLine() + "\n", java.nio.file.StandardOpenOption.APPEND);
    }
    n.installCertbot(CERT, old);
    n.serveFrom(LIVE + "/fullchain.pem");
    return n;
  }

  AppConfig config() throws IOException {
    Path file = dir.resolve("certs.yaml");
    String yaml = FakeNode.config(keyFile, knownHosts, nodes.values(), extraNodeSettings,
        "  verify-timeout: 1s\n" + deploySettings.entrySet().stream()
            .map(e -> "  " + e.getKey() + ": " + e.getValue() + "\n").collect(Collectors.joining()),
        dir.resolve("state"));
    for (Map.Entry<String, String> e : yamlEdits.entrySet()) {
      yaml = yaml.replace(e.getKey(), e.getValue());
    }
    Files.writeString(file, yaml);
    return new ConfigLoader(TestCatalogs.dns(), TestCatalogs.channels()).load(file);
  }

  /** Serves, per probe port, what the fake node loaded at its last reload. */
  TlsProber prober() {
    return (Endpoint e, Duration timeout) -> {
      FakeNode n = nodes.values().stream().filter(x -> x.port() == e.port()).findFirst().orElseThrow();
      X509Certificate leaf = n.served(e.sni());
      return leaf == null
          ? new ProbeResult(e, List.of(), "handshake failed: no certificate for " + e.sni(), Duration.ZERO)
          : new ProbeResult(e, List.of(leaf), null, Duration.ZERO);
    };
  }

  Distributor.Report distribute(AppConfig config, boolean dryRun) throws Exception {
    try (StoreLock lock = StoreLock.acquire(config.stateDir(), Clock.systemUTC())) {
      FileCertificateStore store = FileCertificateStore.writable(lock);
      if (store.find(new CertName(CERT)).isEmpty()) {
        store.save(new CertName(CERT), next);
      }
      AuditLog audit = AuditLog.inStateDir(config.stateDir());
      try (SshConnector ssh = new SshConnector(SecretResolver.system());
          Distributor d = new Distributor(config, store, ssh, prober(), audit,
              new HookRunner(config.deploy().hookTimeout(), dir, audit, Clock.systemUTC()), Clock.systemUTC(),
              duration -> Thread.sleep(duration.toMillis()))) {
        return d.distribute(config.certificates(), List.of(), dryRun);
      }
    }
  }

  Map<String, NodeResult> byNode(Distributor.Report r) {
    return r.nodes().stream().collect(Collectors.toMap(NodeResult::node, x -> x, (a, b) -> a, LinkedHashMap::new));
  }

  static String sha(X509Certificate c) {
    return CertFacts.sha256(c);
  }

  String linkTarget(FakeNode n, String kind) throws IOException {
    return Files.readSymbolicLink(n.file(LIVE + "/" + kind + ".pem")).toString();
  }

  List<String> archiveFiles(FakeNode n) throws IOException {
    try (Stream<Path> s = Files.list(n.file(ARCHIVE))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void deploysToEveryNodeVerifiesAndThenLeavesCurrentNodesAlone() throws Exception {
    node("n1");
    node("n2");
    node("n3");
    AppConfig config = config();

    Distributor.Report report = distribute(config, false);

    assertThat(report.nodes()).extracting(NodeResult::status).containsOnly(NodeStatus.DEPLOYED);
    assertThat(report.allGood()).isTrue();
    for (FakeNode n : nodes.values()) {
      assertThat(sha(n.served(CERT))).isEqualTo(next.facts().sha256());
      assertThat(linkTarget(n, "fullchain")).isEqualTo("../../archive/" + CERT + "/fullchain2.pem");
      assertThat(linkTarget(n, "privkey")).isEqualTo("../../archive/" + CERT + "/privkey2.pem");
      assertThat(CertificateBundle.matches(keyOf(n.file(ARCHIVE + "/privkey2.pem")), next.leaf().getPublicKey())).isTrue();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(n.file(ARCHIVE + "/privkey2.pem"))))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(n.file(ARCHIVE + "/fullchain2.pem"))))
          .isEqualTo("rw-r--r--");
      assertThat(archiveFiles(n)).noneMatch(f -> f.startsWith("."));
      assertThat(n.commands()).containsExactly("nginx -t", "nginx -s reload");
      // Test and reload share one exec channel: one shell on the node, not two.
      assertThat(n.execs()).isEqualTo(1);
    }
    NodeResult first = report.nodes().get(0);
    assertThat(first.node()).isEqualTo("n1");
    assertThat(first.fromSerial()).isEqualTo(old.facts().serial());
    assertThat(first.toSerial()).isEqualTo(next.facts().serial());
    assertThat(FileCertificateStore.readOnly(config.stateDir()).metadata(new CertName(CERT)).deployed())
        .containsOnlyKeys("n1", "n2", "n3");
    List<AuditEntry> audit = AuditLog.inStateDir(config.stateDir()).read();
    assertThat(audit).extracting(AuditEntry::action).contains("upload", "switch", "command", "verify");
    assertThat(audit).allSatisfy(e -> assertThat(e.toString()).doesNotContain("PRIVATE KEY"));

    Distributor.Report again = distribute(config, false);
    assertThat(again.nodes()).extracting(NodeResult::status).containsOnly(NodeStatus.CURRENT);
    for (FakeNode n : nodes.values()) {
      assertThat(n.commands()).hasSize(2);
      assertThat(archiveFiles(n)).hasSize(8);
    }
  }

  @Test
  void aDeployToAnOpenSshLikeNodeTakesOneShellAndFewRoundTrips() throws Exception {
    // SFTP v3 with posix-rename, as OpenSSH speaks it.
    FakeNode n = node("n1", 3, true, true);

    NodeResult r = distribute(config(), false).nodes().get(0);

    assertThat(r.status()).isEqualTo(NodeStatus.DEPLOYED);
    assertThat(n.execs()).isEqualTo(1);
    // Every request is a round trip the node's transaction waits for: the read of the current
    // certificate, one listing each of archive/ and live/ (nothing stat'ed again), four uploads checked
    // through their own handles, four renames into place and four link switches.
    assertThat(n.sftpRequests()).doesNotContainKey("SSH_FXP_STAT")
        .containsEntry("SSH_FXP_OPEN", 5)
        .containsEntry("SSH_FXP_OPENDIR", 2)
        .containsEntry("SSH_FXP_LSTAT", 4);
    assertThat(n.sftpRoundTrips()).isLessThanOrEqualTo(65);
  }

  @Test
  void theShellStartedDuringTheUploadTestsOnlyTheSwitchedFiles() throws Exception {
    FakeNode n = node("n1");

    NodeResult r = distribute(config(), false).nodes().get(0);

    assertThat(r.status()).isEqualTo(NodeStatus.DEPLOYED);
    assertThat(n.execs()).isEqualTo(1);
    assertThat(n.linksAtTest()).containsExactly("../../archive/" + CERT + "/fullchain2.pem");
  }

  @Test
  void aShellThatEndedWhileItWaitedIsReplacedByANewOne() throws Exception {
    FakeNode n = node("n1");
    n.shellsToEndAtOnce.set(1);

    NodeResult r = distribute(config(), false).nodes().get(0);

    assertThat(r.status()).as(String.valueOf(r.detail())).isEqualTo(NodeStatus.DEPLOYED);
    assertThat(n.execs()).isEqualTo(2);
    assertThat(n.commands()).containsExactly("nginx -t", "nginx -s reload");
  }

  @Test
  void aFailedUploadRunsNothingInTheShellThatWasWaitingForIt() throws Exception {
    FakeNode n = node("n1");
    // A leftover that cannot be removed (a directory that is not empty) stops the staging.
    Files.createDirectories(n.file(ARCHIVE + "/.certfleet-stuck.tmp/inside"));

    NodeResult r = distribute(config(), false).nodes().get(0);

    assertThat(r.status()).isEqualTo(NodeStatus.FAILED);
    assertThat(r.step()).isEqualTo(DeployStep.UPLOAD);
    assertThat(n.execs()).isEqualTo(1);
    assertThat(n.commands()).isEmpty();
    assertThat(linkTarget(n, "fullchain")).endsWith("fullchain1.pem");
    assertThat(sha(n.served(CERT))).isEqualTo(old.facts().sha256());
  }

  @Test
  void linksAreRestoredOnAServerWhoseListingsFollowThem() throws Exception {
    FakeNode n = node("n1");
    n.listingsFollowLinks = true;
    n.testExit = 1;

    NodeResult r = distribute(config(), false).nodes().get(0);

    assertThat(r.status()).isEqualTo(NodeStatus.FAILED);
    assertThat(r.step()).isEqualTo(DeployStep.TEST);
    for (String kind : List.of("cert", "chain", "fullchain", "privkey")) {
      assertThat(linkTarget(n, kind)).isEqualTo("../../archive/" + CERT + "/" + kind + "1.pem");
    }
    assertThat(archiveFiles(n)).containsExactly("cert1.pem", "chain1.pem", "fullchain1.pem", "privkey1.pem");
  }

  @Test
  void testAndReloadRunThroughSudoWhenTheNodeSaysSo() throws Exception {
    FakeNode n = node("n1");
    extraNodeSettings.put("sudo", "true");

    NodeResult r = distribute(config(), false).nodes().get(0);

    assertThat(r.status()).isEqualTo(NodeStatus.DEPLOYED);
    assertThat(n.commands()).containsExactly("sudo -n nginx -t", "sudo -n nginx -s reload");
    assertThat(n.execs()).isEqualTo(1);
  }

  @Test
  void failingTestCommandRollsBackThatNodeWithoutReloadingIt() throws Exception {
    node("n1");
    FakeNode broken = node("n2");
    node("n3");
    broken.testExit = 1;
    broken.testStderr = "nginx: [emerg] unknown directive \"ssl_certificat\" in /etc/nginx/sites-enabled/media:7";

    Map<String, NodeResult> r = byNode(distribute(config(), false));

    assertThat(r.get("n2").status()).isEqualTo(NodeStatus.FAILED);
    assertThat(r.get("n2").step()).isEqualTo(DeployStep.TEST);
    assertThat(r.get("n2").detail()).contains("[emerg] unknown directive", "nginx -t");
    assertThat(broken.commands()).containsExactly("nginx -t");
    assertThat(linkTarget(broken, "fullchain")).isEqualTo("../../archive/" + CERT + "/fullchain1.pem");
    assertThat(linkTarget(broken, "privkey")).isEqualTo("../../archive/" + CERT + "/privkey1.pem");
    assertThat(archiveFiles(broken)).containsExactly("cert1.pem", "chain1.pem", "fullchain1.pem", "privkey1.pem");
    assertThat(sha(broken.served(CERT))).isEqualTo(old.facts().sha256());
    assertThat(r.get("n1").status()).isEqualTo(NodeStatus.DEPLOYED);
    assertThat(r.get("n3").status()).isEqualTo(NodeStatus.DEPLOYED);
  }

  @Test
  void reloadThatDoesNotTakeEffectIsDetectedByTheProbeAndRolledBack() throws Exception {
    node("n1");
    FakeNode stale = node("n2");
    stale.reloadTakesEffect = false;

    Map<String, NodeResult> r = byNode(distribute(config(), false));

    NodeResult failed = r.get("n2");
    assertThat(failed.status()).isEqualTo(NodeStatus.FAILED);
    assertThat(failed.step()).isEqualTo(DeployStep.VERIFY);
    assertThat(failed.detail()).contains("serves serial " + old.facts().serial(), "not the expected certificate",
        "rolled back, serving serial " + old.facts().serial() + " again");
    assertThat(stale.commands()).containsExactly("nginx -t", "nginx -s reload", "nginx -t", "nginx -s reload");
    assertThat(linkTarget(stale, "fullchain")).endsWith("fullchain1.pem");
    assertThat(archiveFiles(stale)).hasSize(4);
    assertThat(r.get("n1").status()).isEqualTo(NodeStatus.DEPLOYED);
  }

  @Test
  void failingReloadRollsBackAndSaysWhyTheRollbackCouldNotFinish() throws Exception {
    FakeNode n = node("n1");
    n.reloadExit = 1;

    NodeResult r = distribute(config(), false).nodes().get(0);

    assertThat(r.status()).isEqualTo(NodeStatus.FAILED);
    assertThat(r.step()).isEqualTo(DeployStep.RELOAD);
    assertThat(r.detail()).contains("`nginx -s reload` failed (exit 1)", "reload after rollback failed", "new files kept");
    assertThat(n.commands()).containsExactly("nginx -t", "nginx -s reload", "nginx -t", "nginx -s reload");
    assertThat(n.execs()).isEqualTo(2);
    assertThat(linkTarget(n, "fullchain")).endsWith("fullchain1.pem");
    assertThat(archiveFiles(n)).contains("fullchain2.pem", "privkey2.pem");
    List<AuditEntry> commands = AuditLog.inStateDir(config().stateDir()).read().stream()
        .filter(e -> e.action().equals("command")).toList();
    assertThat(commands).extracting(AuditEntry::command)
        .containsExactly("nginx -t", "nginx -s reload", "nginx -t", "nginx -s reload");
    assertThat(commands).extracting(AuditEntry::result).containsExactly("ok", "exit 1: ", "ok", "exit 1: ");
  }

  @Test
  void newFilesAreKeptWhenTheRollbackCannotBeVerified() throws Exception {
    FakeNode n = node("n1");
    n.down = true;

    NodeResult r = distribute(config(), false).nodes().get(0);

    assertThat(r.status()).isEqualTo(NodeStatus.FAILED);
    assertThat(r.step()).isEqualTo(DeployStep.VERIFY);
    assertThat(r.detail()).contains("previous certificate is not served again", "new files kept");
    assertThat(linkTarget(n, "privkey")).endsWith("privkey1.pem");
    assertThat(archiveFiles(n)).contains("privkey2.pem", "fullchain2.pem");
  }

  @Test
  void canaryFailureLeavesEveryOtherNodeUntouched() throws Exception {
    node("n1");
    FakeNode canary = node("n2");
    node("n3");
    canary.testExit = 1;
    deploySettings.put("canary", "n2");

    Distributor.Report report = distribute(config(), false);
    Map<String, NodeResult> r = byNode(report);

    assertThat(report.nodes().get(0).node()).isEqualTo("n2");
    assertThat(r.get("n2").status()).isEqualTo(NodeStatus.FAILED);
    assertThat(r.get("n1").status()).isEqualTo(NodeStatus.NOT_TOUCHED);
    assertThat(r.get("n1").detail()).isEqualTo("canary n2 failed");
    assertThat(r.get("n3").status()).isEqualTo(NodeStatus.NOT_TOUCHED);
    assertThat(nodes.get("n1").commands()).isEmpty();
    assertThat(nodes.get("n3").commands()).isEmpty();
    assertThat(archiveFiles(nodes.get("n1"))).hasSize(4);
    assertThat(report.anyGood()).isFalse();
  }

  @Test
  void theCanaryConnectsBeforeEveryOtherNode() throws Exception {
    FakeNode n1 = node("n1");
    FakeNode n2 = node("n2");
    FakeNode canary = node("n3");
    deploySettings.put("canary", "n3");
    deploySettings.put("parallelism", "1");

    Map<String, NodeResult> r = byNode(distribute(config(), false));

    assertThat(r.values()).extracting(NodeResult::status).containsOnly(NodeStatus.DEPLOYED);
    // Its handshake is on the rollout's critical path; the others' handshakes run while it deploys.
    assertThat(canary.connectedAt()).isPositive().isLessThan(n1.connectedAt()).isLessThan(n2.connectedAt());
  }

  @Test
  void anUnreachableCanaryMeansNoOtherNodeIsEvenConnectedTo() throws Exception {
    FakeNode n1 = node("n1");
    FakeNode canary = node("n2");
    deploySettings.put("canary", "n2");
    AppConfig config = config();
    canary.close();

    Map<String, NodeResult> r = byNode(distribute(config, false));

    assertThat(r.get("n2").status()).isEqualTo(NodeStatus.FAILED);
    assertThat(r.get("n2").step()).isEqualTo(DeployStep.CONNECT);
    assertThat(r.get("n1").status()).isEqualTo(NodeStatus.NOT_TOUCHED);
    assertThat(n1.sessions()).isZero();
  }

  @Test
  void onceTheFailureBudgetIsExceededNoFurtherNodeIsTouched() throws Exception {
    node("n1");
    node("n2").testExit = 1;
    node("n3").testExit = 1;
    node("n4");
    deploySettings.put("parallelism", "1");
    deploySettings.put("max-failed-nodes", "1");

    Map<String, NodeResult> r = byNode(distribute(config(), false));

    assertThat(r.get("n1").status()).isEqualTo(NodeStatus.DEPLOYED);
    assertThat(r.get("n2").status()).isEqualTo(NodeStatus.FAILED);
    assertThat(r.get("n3").status()).isEqualTo(NodeStatus.FAILED);
    assertThat(r.get("n4").status()).isEqualTo(NodeStatus.NOT_TOUCHED);
    assertThat(r.get("n4").detail()).startsWith("failure budget exceeded");
    assertThat(nodes.get("n4").commands()).isEmpty();
  }

  @Test
  void anEncryptedKeyIsOpenedWithThePassphraseFromItsSecretReferenceAndAWrongOneIsReportedWithoutIt()
      throws Exception {
    FakeNode n = node("n1");
    Path passphrase = dir.resolve("passphrase");
    Files.writeString(passphrase, "correct horse battery\n");
    keyFile = FakeNode.writeClientKey(dir.resolve("id_encrypted"), clientKey, "correct horse battery");
    yamlEdits.put("    user: test\n", "    user: test\n    key-passphrase: ${file:" + passphrase + "}\n");

    NodeResult ok = distribute(config(), false).nodes().get(0);
    assertThat(ok.status()).as(String.valueOf(ok.detail())).isEqualTo(NodeStatus.DEPLOYED);

    Files.writeString(passphrase, "wrong staple\n");
    NodeResult bad = distribute(config(), true).nodes().get(0);
    assertThat(bad.status()).isEqualTo(NodeStatus.FAILED);
    assertThat(bad.step()).isEqualTo(DeployStep.CONNECT);
    assertThat(bad.detail()).contains("cannot load private key " + keyFile).doesNotContain("wrong staple", "correct horse");
  }

  @Test
  void unknownHostKeyIsRefusedWithItsFingerprintAndNothingIsSent() throws Exception {
    FakeNode stranger = node("n1", 0, true, false);

    NodeResult r = distribute(config(), false).nodes().get(0);

    assertThat(r.status()).isEqualTo(NodeStatus.FAILED);
    assertThat(r.step()).isEqualTo(DeployStep.CONNECT);
    assertThat(r.detail()).contains("node n1 (127.0.0.1:" + stranger.port() + ")", "is not in " + knownHosts,
        org.apache.sshd.common.config.keys.KeyUtils.getFingerPrint(stranger.hostKey()), "certfleet trust n1");
    assertThat(stranger.commands()).isEmpty();
    assertThat(archiveFiles(stranger)).hasSize(4);
  }

  @Test
  void changedHostKeyIsRefused() throws Exception {
    FakeNode n = node("n1", 0, true, false);
    KeyPair other = TestCertificates.ecP256();
    Files.writeString(knownHosts, "[127.0.0.1]:" + n.port() + " "
        + org.apache.sshd.common.config.keys.PublicKeyEntry.toString(other.getPublic()) + "\n");

    NodeResult r = distribute(config(), false).nodes().get(0);

    assertThat(r.status()).isEqualTo(NodeStatus.FAILED);
    assertThat(r.detail()).contains("host key CHANGED",
        org.apache.sshd.common.config.keys.KeyUtils.getFingerPrint(n.hostKey()),
        org.apache.sshd.common.config.keys.KeyUtils.getFingerPrint(other.getPublic()));
    assertThat(n.commands()).isEmpty();
    assertThat(archiveFiles(n)).hasSize(4);
  }

  @Test
  void sftpVersion3WithoutPosixRenameFallsBackToAtomicMvOnTheNode() throws Exception {
    FakeNode v3 = node("n1", 3, false, true);

    NodeResult r = distribute(config(), false).nodes().get(0);

    assertThat(r.status()).as(String.valueOf(r.detail())).isEqualTo(NodeStatus.DEPLOYED);
    assertThat(v3.commands()).filteredOn(c -> c.startsWith("mv -f -- ")).hasSize(4);
    assertThat(linkTarget(v3, "cert")).endsWith("cert2.pem");
  }

  @Test
  void serverWithoutPosixRenameButSftpV6UsesAnAtomicOverwriteRename() throws Exception {
    FakeNode v6 = node("n1", 0, false, true);

    NodeResult r = distribute(config(), false).nodes().get(0);

    assertThat(r.status()).isEqualTo(NodeStatus.DEPLOYED);
    assertThat(v6.commands()).noneMatch(c -> c.startsWith("mv"));
  }

  @Test
  void connectionDroppedMidUploadNeverMakesAPartialFileLiveAndTheNextRunConverges() throws Exception {
    FakeNode n = node("n1");
    n.dropAfterWrites = 3;
    AppConfig config = config();

    NodeResult r = distribute(config, false).nodes().get(0);

    assertThat(r.status()).isEqualTo(NodeStatus.FAILED);
    assertThat(r.step()).isEqualTo(DeployStep.UPLOAD);
    assertThat(linkTarget(n, "fullchain")).endsWith("fullchain1.pem");
    assertThat(archiveFiles(n)).filteredOn(f -> !f.startsWith(".")).hasSize(4);
    assertThat(n.commands()).isEmpty();

    n.dropAfterWrites = 0;
    NodeResult again = distribute(config, false).nodes().get(0);

    assertThat(again.status()).isEqualTo(NodeStatus.DEPLOYED);
    assertThat(archiveFiles(n)).noneMatch(f -> f.startsWith("."));
    assertThat(sha(n.served(CERT))).isEqualTo(next.facts().sha256());
  }

  @Test
  void dryRunInspectsButChangesAndReloadsNothing() throws Exception {
    FakeNode n = node("n1");

    Distributor.Report report = distribute(config(), true);

    NodeResult r = report.nodes().get(0);
    assertThat(r.status()).isEqualTo(NodeStatus.PLANNED);
    assertThat(r.fromSerial()).isEqualTo(old.facts().serial());
    assertThat(r.detail()).contains("{cert,chain,fullchain,privkey}2.pem", "nginx -t", "nginx -s reload", "serve serial " + next.facts().serial());
    assertThat(n.commands()).isEmpty();
    assertThat(archiveFiles(n)).hasSize(4);
    assertThat(linkTarget(n, "fullchain")).endsWith("fullchain1.pem");
  }

  @Test
  void flatLayoutReplacesBothFilesKeepsABackupAndRestoresThemByteForByte() throws Exception {
    FakeNode n = FakeNode.start(dir.resolve("nodes"), "flat1", clientKey.getPublic());
    nodes.put("flat1", n);
    Files.writeString(knownHosts, n.knownHostsLine() + "\n");
    Path tls = Files.createDirectories(n.file("/etc/nginx/tls"));
    Files.write(tls.resolve(CERT + ".fullchain.pem"), old.fullchainPem());
    Files.write(tls.resolve(CERT + ".key"), old.privkeyPem());
    n.serveFrom("/etc/nginx/tls/" + CERT + ".fullchain.pem");
    extraNodeSettings.put("layout", "flat");
    extraNodeSettings.put("fullchain-path", "/etc/nginx/tls/{name}.fullchain.pem");
    extraNodeSettings.put("privkey-path", "/etc/nginx/tls/{name}.key");
    AppConfig config = config();

    n.testExit = 1;
    NodeResult failed = distribute(config, false).nodes().get(0);
    assertThat(failed.status()).isEqualTo(NodeStatus.FAILED);
    assertThat(Files.readAllBytes(tls.resolve(CERT + ".fullchain.pem"))).isEqualTo(old.fullchainPem());
    assertThat(CertificateBundle.matches(keyOf(tls.resolve(CERT + ".key")), old.leaf().getPublicKey())).isTrue();

    n.testExit = 0;
    NodeResult ok = distribute(config, false).nodes().get(0);
    assertThat(ok.status()).isEqualTo(NodeStatus.DEPLOYED);
    assertThat(Pem.certificates(Files.readAllBytes(tls.resolve(CERT + ".fullchain.pem"))).get(0)).isEqualTo(next.leaf());
    assertThat(CertificateBundle.matches(keyOf(tls.resolve(CERT + ".key")), next.leaf().getPublicKey())).isTrue();
    assertThat(CertificateBundle.matches(keyOf(tls.resolve(CERT + ".key.certfleet-previous")), old.leaf().getPublicKey()))
        .isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(CERT + ".key"))))
        .isEqualTo("rw-------");
    try (Stream<Path> s = Files.list(tls)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(f -> f.startsWith("."));
    }
    assertThat(sha(n.served(CERT))).isEqualTo(next.facts().sha256());
  }

  @Test
  void hooksRunAfterTheRolloutWithTheResultsAndAFailingHookFailsTheRun() throws Exception {
    node("n1");
    node("n2").testExit = 1;
    Path envOut = dir.resolve("hook-env.txt");
    Path ok = hook("ok.sh", "#!/bin/sh\nenv | grep ^CERTFLEET_ | sort > " + envOut + "\n");
    Path bad = hook("bad.sh", "#!/bin/sh\necho 'purge failed: 503' >&2\nexit 7\n");
    deploySettings.put("hooks", "[" + ok + ", " + bad + "]");

    Distributor.Report report = distribute(config(), false);

    String env = Files.readString(envOut, StandardCharsets.UTF_8);
    assertThat(env).contains("CERTFLEET_CERT_NAME=" + CERT, "CERTFLEET_DOMAINS=" + CERT, "CERTFLEET_VERSION=1",
        "CERTFLEET_SERIAL=" + next.facts().serial(), "CERTFLEET_NODES_OK=n1", "CERTFLEET_NODES_FAILED=n2",
        "CERTFLEET_FULLCHAIN=" + dir.resolve("state/live/" + CERT + "/fullchain.pem"), "\"status\":\"failed\"");
    assertThat(report.hooks()).extracting(HookRunner.HookResult::ok).containsExactly(true, false);
    assertThat(report.hooks().get(1).error()).isEqualTo("exit 7: purge failed: 503");
    assertThat(report.allGood()).isFalse();
    assertThat(report.anyGood()).isTrue();
  }

  @Test
  void theExampleLogHookRecordsEveryNodeNextToTheConfig() throws Exception {
    node("n1");
    node("n2").testExit = 1;
    deploySettings.put("hooks", "[" + Path.of("hooks/deploy/log-results.sh").toAbsolutePath() + "]");

    Distributor.Report report = distribute(config(), false);

    assertThat(report.hooks()).singleElement().satisfies(h -> assertThat(h.ok()).as(String.valueOf(h.error())).isTrue());
    assertThat(Files.readString(dir.resolve("certfleet-deploys.log")))
        .contains(CERT + " v1 serial " + next.facts().serial() + " on n1: ok")
        .contains(CERT + " v1 serial " + next.facts().serial() + " on n2: FAILED");
  }

  @Test
  void aHookThatHangsIsStoppedAtItsTimeout() throws Exception {
    node("n1");
    Path slow = hook("slow.sh", "#!/bin/sh\nsleep 30\n");
    deploySettings.put("hooks", "[" + slow + "]");
    deploySettings.put("hook-timeout", "1s");

    long t0 = System.nanoTime();
    Distributor.Report report = distribute(config(), false);

    assertThat(report.hooks().get(0).error()).isEqualTo("timed out after 1 s");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
  }

  Path hook(String name, String script) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, script);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  /** The key in a PEM file; compared as keys because the store may re-encode the PEM. */
  static java.security.PrivateKey keyOf(Path pem) throws IOException {
    return Pem.privateKey(Files.readAllBytes(pem));
  }
}
