package org.certfleet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.certfleet.cert.CertFacts;
import org.certfleet.cert.CertName;
import org.certfleet.cli.CliRun;
import org.certfleet.cli.ExitCodes;
import org.certfleet.probe.Endpoint;
import org.certfleet.probe.JdkTlsProber;
import org.certfleet.probe.ProbeResult;
import org.certfleet.store.FileCertificateStore;
import org.certfleet.testing.lab.Lab;
import org.certfleet.testing.lab.LabExtension;
import org.certfleet.testing.lab.LabNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certfleet distribute} against the lab's real OpenSSH + nginx nodes, verified over TLS. Every
 * test puts the nodes back to the lab's initial certificates afterwards, because other lab tests
 * check those.
 */
@ExtendWith(LabExtension.class)
class DistributeIT {
  static final String MEDIA = "media.hachyderm.io";
  final JdkTlsProber prober = new JdkTlsProber(Clock.systemUTC());
  Lab lab;
  Path cfg;
  Path dir;

  @BeforeEach
  void setUp(Lab lab, @TempDir Path dir) throws Exception {
    this.lab = lab;
    this.dir = dir;
    LabNodes.resetCertificates(lab);
    cfg = lab.configCopy(dir, lab.tsigSecretFile());
    Files.writeString(cfg, "deploy:\n  verify-timeout: 3s\n", java.nio.file.StandardOpenOption.APPEND);
    CliRun renew = CliRun.of("--config", cfg.toString(), "renew", "--no-distribute", MEDIA);
    assertThat(renew.exitCode()).as(renew.out() + renew.err()).isZero();
  }

  @AfterEach
  void tearDown() throws Exception {
    LabNodes.resetCertificates(lab);
  }

  String issuedSha() throws IOException {
    return FileCertificateStore.readOnly(dir.resolve("state")).find(new CertName(MEDIA)).orElseThrow().facts().sha256();
  }

  String served(Lab.Node n) {
    ProbeResult r = prober.probe(new Endpoint(n.address(), n.httpsPort(), MEDIA), Duration.ofSeconds(5));
    return r.leaf().map(CertFacts::sha256).orElse("none: " + r.error());
  }

  /**
   * What {@code n} serves once it serves {@code expected}, or after 3 s. After nginx's graceful reload the
   * old worker may take a new connection for a moment after the new one served certfleet's check; that
   * is nginx's handover, not a certificate the node went back to.
   */
  String servedAfterReload(Lab.Node n, String expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    String last = served(n);
    while (!last.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      last = served(n);
    }
    return last;
  }

  @Test
  void deploysToEveryNodeAndEachServesTheNewCertificateThenARerunChangesNothing() throws Exception {
    CliRun run = CliRun.of("--config", cfg.toString(), "distribute", MEDIA);

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
    String sha = issuedSha();
    for (Lab.Node n : lab.nodes()) {
      assertThat(servedAfterReload(n, sha)).as(n.name()).isEqualTo(sha);
      assertThat(Files.readSymbolicLink(n.baseDir().resolve("live/" + MEDIA + "/privkey.pem")))
          .isEqualTo(Path.of("../../archive/" + MEDIA + "/privkey2.pem"));
      assertThat(Files.getPosixFilePermissions(n.baseDir().resolve("archive/" + MEDIA + "/privkey2.pem")))
          .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
              java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }
    assertThat(run.out()).contains(lab.nodes().size() + " node(s) serve the current version, 0 failed, 0 not touched");

    CliRun again = CliRun.of("--config", cfg.toString(), "distribute", MEDIA);
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).contains(" current ").doesNotContain(" deployed ");
  }

  @Test
  void renewDeploysWhatItRenewedUnderTheSameLock() throws Exception {
    CliRun run = CliRun.of("--config", cfg.toString(), "renew", "--force", MEDIA);

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("RENEWED  version 2", lab.nodes().size() + " node(s) serve the current version");
    String sha = issuedSha();
    for (Lab.Node n : lab.nodes()) {
      assertThat(servedAfterReload(n, sha)).as(n.name()).isEqualTo(sha);
    }
  }

  @Test
  void rollbackMakesThePreviousVersionCurrentAndEveryNodeServesItAgain() throws Exception {
    String previous = issuedSha();
    CliRun renew = CliRun.of("--config", cfg.toString(), "renew", "--force", MEDIA);
    assertThat(renew.exitCode()).as(renew.out() + renew.err()).isZero();
    assertThat(servedAfterReload(lab.nodes().get(0), issuedSha())).isEqualTo(issuedSha()).isNotEqualTo(previous);

    CliRun run = CliRun.of("--config", cfg.toString(), "rollback", MEDIA);

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(issuedSha()).isEqualTo(previous);
    for (Lab.Node n : lab.nodes()) {
      assertThat(servedAfterReload(n, previous)).as(n.name()).isEqualTo(previous);
    }
  }

  @Test
  void aNodeWithABrokenNginxConfigIsRolledBackWhileTheOthersAreUpdated() throws Exception {
    Lab.Node broken = lab.nodes().get(1);
    Path conf = broken.prefix().resolve("conf/nginx.conf");
    String original = Files.readString(conf);
    String oldServed = served(broken);
    try {
      Files.writeString(conf, original.replace("worker_processes 1;", "worker_processes 1;\nssl_certificat_typo on;"));
      lab.clearWebhookRequests();

      CliRun run = CliRun.of("--config", cfg.toString(), "distribute", MEDIA);

      assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.PARTIAL);
      assertThat(run.out()).containsPattern(broken.name() + " +failed +test .*unknown directive \"ssl_certificat_typo\"");
      assertThat(served(broken)).isEqualTo(oldServed);
      assertThat(lab.webhookRequests()).singleElement().satisfies(r -> {
        assertThat(r.get("query").asText()).contains("wait=true");
        assertThat(r.get("body").asText()).contains("media.hachyderm.io is not served by 1 of " + lab.nodes().size(),
            broken.name() + ": failed at test", "unknown directive");
      });
      assertThat(Files.readSymbolicLink(broken.baseDir().resolve("live/" + MEDIA + "/fullchain.pem")))
          .isEqualTo(Path.of("../../archive/" + MEDIA + "/fullchain1.pem"));
      String sha = issuedSha();
      for (Lab.Node n : lab.nodes()) {
        if (n != broken) {
          assertThat(servedAfterReload(n, sha)).as(n.name()).isEqualTo(sha);
        }
      }
    } finally {
      Files.writeString(conf, original);
    }
  }

  @Test
  void aHungNodeFailsAndARerunConvergesOnceItIsBack() throws Exception {
    Lab.Node hung = lab.nodes().get(2);
    long sshd = Long.parseLong(Files.readString(hung.baseDir().getParent().resolve("ssh/sshd.pid")).strip());
    signal("STOP", sshd);
    CliRun run;
    try {
      run = CliRun.of("--config", cfg.toString(), "distribute", MEDIA);
    } finally {
      signal("CONT", sshd);
    }

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.PARTIAL);
    assertThat(run.out()).containsPattern(hung.name() + " +failed +connect .*no answer within");

    CliRun again = CliRun.of("--config", cfg.toString(), "distribute", MEDIA);
    assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
    assertThat(again.out()).containsPattern(hung.name() + " +deployed +done");
    assertThat(servedAfterReload(hung, issuedSha())).isEqualTo(issuedSha());
  }

  @Test
  void aReloadThatDoesNotTakeEffectIsCaughtByTheProbeAndRolledBack() throws Exception {
    Lab.Node stale = lab.nodes().get(3 % lab.nodes().size());
    String yaml = Files.readString(cfg).replace("reload-command: " + stale.reloadCommand(), "reload-command: /bin/true");
    Files.writeString(cfg, yaml);
    String oldServed = served(stale);

    CliRun run = CliRun.of("--config", cfg.toString(), "distribute", MEDIA);

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.PARTIAL);
    assertThat(run.out()).containsPattern(stale.name() + " +failed +verify .*not the expected certificate.*rolled back");
    assertThat(served(stale)).isEqualTo(oldServed);
    assertThat(Files.readSymbolicLink(stale.baseDir().resolve("live/" + MEDIA + "/cert.pem")))
        .isEqualTo(Path.of("../../archive/" + MEDIA + "/cert1.pem"));
  }

  private static void signal(String sig, long pid) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }
}
