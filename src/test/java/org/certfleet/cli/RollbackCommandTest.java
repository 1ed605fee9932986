package org.certfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.certfleet.audit.AuditLog;
import org.certfleet.cert.CertName;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.store.FileCertificateStore;
import org.certfleet.store.StoreLock;
import org.certfleet.testing.TestCertificates;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollbackCommandTest {
  static final TestCertificates CA = TestCertificates.ca("certfleet test CA");
  static final CertName MEDIA = new CertName("media.hachyderm.io");

  @TempDir Path dir;
  Path state;
  Path config;

  @BeforeEach
  void setUp() throws IOException {
    state = dir.resolve("state");
    config = dir.resolve("certs.yaml");
    Files.writeString(config, """
        acme: {directory: letsencrypt, email: ops@hachyderm.io, agree-to-terms: true}
        dns:
          providers: [{name: run, type: exec, options: {command: /bin/false}}]
        certificates: [{name: media.hachyderm.io, domains: [media.hachyderm.io], deploy-to: []}]
        nodes: []
        state: {dir: "%s"}
        """.formatted(state));
  }

  /** Saves each bundle as the next version, the last one current. */
  void versions(CertificateBundle... bundles) throws IOException {
    try (StoreLock lock = StoreLock.acquire(state, Clock.systemUTC())) {
      FileCertificateStore store = FileCertificateStore.writable(lock);
      for (CertificateBundle b : bundles) {
        store.save(MEDIA, b);
      }
    }
  }

  int current() throws IOException {
    return FileCertificateStore.readOnly(state).find(MEDIA).orElseThrow().version();
  }

  CliRun run(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "--config";
    all[1] = config.toString();
    all[2] = "rollback";
    System.arraycopy(args, 0, all, 3, args.length);
    return CliRun.of(all);
  }

  @Test
  void thePreviousVersionBecomesCurrentAndTheChangeIsAudited() throws IOException {
    CertificateBundle v1 = CA.leaf(Duration.ofDays(90), "media.hachyderm.io");
    versions(v1, CA.leaf(Duration.ofDays(90), "media.hachyderm.io"));

    CliRun run = run("media.hachyderm.io");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(current()).isEqualTo(1);
    assertThat(FileCertificateStore.readOnly(state).load(MEDIA, 1).facts().serial()).isEqualTo(v1.facts().serial());
    assertThat(run.out()).contains("media.hachyderm.io: version 1 is current again, was 2 (serial " + v1.facts().serial());
    assertThat(AuditLog.inStateDir(state).read()).singleElement().satisfies(e -> {
      assertThat(e.action()).isEqualTo("rollback");
      assertThat(e.from()).startsWith("version 2 serial ");
      assertThat(e.to()).isEqualTo("version 1 serial " + v1.facts().serial());
    });
    assertThat(FileCertificateStore.readOnly(state).versions(MEDIA)).as("nothing leaves the archive").containsExactly(1, 2);
  }

  @Test
  void toPicksAVersionAndDryRunChangesNothing() throws IOException {
    versions(CA.leaf(Duration.ofDays(90), "media.hachyderm.io"), CA.leaf(Duration.ofDays(90), "media.hachyderm.io"),
        CA.leaf(Duration.ofDays(90), "media.hachyderm.io"));

    CliRun dry = run("media.hachyderm.io", "--to", "1", "--dry-run");
    assertThat(dry.exitCode()).as(dry.err()).isZero();
    assertThat(dry.out()).startsWith("media.hachyderm.io: would make version 1 current instead of 3");
    assertThat(current()).isEqualTo(3);
    assertThat(AuditLog.inStateDir(state).read()).isEmpty();

    CliRun real = run("media.hachyderm.io", "--to", "1", "--no-distribute");
    assertThat(real.exitCode()).as(real.err()).isZero();
    assertThat(current()).isEqualTo(1);
  }

  @Test
  void anExpiredMissingOrCurrentVersionIsRefusedWithExitTwoAndNothingChanges() throws IOException {
    CertificateBundle expired = CA.leaf(TestCertificates.ecP256(), Instant.now().minus(Duration.ofDays(100)),
        Duration.ofDays(90), "media.hachyderm.io");
    versions(expired, CA.leaf(Duration.ofDays(90), "media.hachyderm.io"));

    CliRun old = run("media.hachyderm.io");
    assertThat(old.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(old.err()).contains("media.hachyderm.io version 1 expired on ");
    CliRun missing = run("media.hachyderm.io", "--to", "7");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(missing.err()).contains("--to 7: media.hachyderm.io has versions [1, 2]");
    CliRun same = run("media.hachyderm.io", "--to", "2");
    assertThat(same.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(same.err()).contains("already the current version");

    assertThat(current()).isEqualTo(2);
    assertThat(AuditLog.inStateDir(state).read()).isEmpty();
  }

  @Test
  void aSingleVersionHasNothingToRollBackTo() throws IOException {
    versions(CA.leaf(Duration.ofDays(90), "media.hachyderm.io"));

    CliRun run = run("media.hachyderm.io");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).contains("version 1 is the only one; there is nothing to roll back to");
    assertThat(current()).isEqualTo(1);
  }
}
