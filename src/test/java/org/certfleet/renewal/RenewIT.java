package org.certfleet.renewal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.certfleet.cli.CliRun;
import org.certfleet.cli.ExitCodes;
import org.certfleet.testing.lab.Lab;
import org.certfleet.testing.lab.LabExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code certfleet renew} end to end on the lab: Pebble (no ARI, no profiles) and BIND over RFC2136 + TSIG. */
@ExtendWith(LabExtension.class)
class RenewIT {

  @Test
  void renewsEveryCertificateIncludingTheCnameDelegatedOneThenSkipsThemUntilForced(Lab lab, @TempDir Path dir) throws Exception {
    Path cfg = lab.configCopy(dir, lab.tsigSecretFile());

    CliRun first = CliRun.of("--config", cfg.toString(), "renew", "--no-distribute");

    assertThat(first.exitCode()).as(first.out() + first.err()).isEqualTo(ExitCodes.OK);
    assertThat(first.out()).contains("media.hachyderm.io       RENEWED  version 1", "hachyderm.io             RENEWED  version 1",
        "3 certificates: 3 renewed, 0 skipped, 0 failed");
    assertThat(Files.readSymbolicLink(dir.resolve("state/live/media.hachyderm.io/privkey.pem")))
        .isEqualTo(Path.of("../../archive/media.hachyderm.io/privkey1.pem"));
    assertThat(dir.resolve("state/acme/orders/media.hachyderm.io.json")).as("journal cleared after storing").doesNotExist();

    CliRun again = CliRun.of("--config", cfg.toString(), "renew", "--no-distribute");
    assertThat(again.out()).contains("3 certificates: 0 renewed, 3 skipped, 0 failed");

    CliRun forced = CliRun.of("--config", cfg.toString(), "renew", "--no-distribute", "--force", "hachyderm.io");
    assertThat(forced.out()).contains("hachyderm.io             RENEWED  version 2", "1 certificate: 1 renewed");
  }

  @Test
  void aWrongTsigKeyFailsWithStepAndDomainBacksOffAndLeavesNothingBehind(Lab lab, @TempDir Path dir) throws Exception {
    Path wrong = dir.resolve("wrong.secret");
    Files.writeString(wrong, "d3Jvbmd3cm9uZ3dyb25nd3Jvbmd3cm9uZ3dyb25nMDE=");
    Path cfg = lab.configCopy(dir, wrong);

    CliRun run = CliRun.of("--config", cfg.toString(), "renew", "--no-distribute", "files.hachyderm.io");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(run.out()).contains("files.hachyderm.io       FAILED   files.hachyderm.io: dns-01 publish: dns provider lab-bind"
        + " (rfc2136 127.0.0.53:53): add of TXT _acme-challenge.files.hachyderm.io. \"");
    assertThat(run.out()).contains("refused: NOTAUTH", "next attempt not before");
    assertThat(run.out() + run.err()).doesNotContain("d3Jvbmd3cm9uZ3dyb25n");
    assertThat(dir.resolve("state/live/files.hachyderm.io")).doesNotExist();
    String meta = Files.readString(dir.resolve("state/meta/files.hachyderm.io.json"));
    assertThat(meta).contains("\"success\" : false", "\"step\" : \"dns-01 publish\"", "nextAttemptNotBefore");

    CliRun backingOff = CliRun.of("--config", cfg.toString(), "renew", "--no-distribute", "files.hachyderm.io");
    assertThat(backingOff.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(backingOff.out()).contains("backing off after 1 failure(s)");
  }

  @Test
  void aWildcardAndItsBaseNameInOneCertificateShareTheirTxtNameOnTheLabsBind(Lab lab, @TempDir Path dir) throws Exception {
    Path cfg = lab.configCopy(dir, lab.tsigSecretFile());
    Files.writeString(cfg, Files.readString(cfg).replace("certificates:\n", """
        certificates:
          - name: wild.hachyderm.io
            domains: ["*.hachyderm.io", hachyderm.io]
            deploy-to: []
        """));

    CliRun run = CliRun.of("--config", cfg.toString(), "renew", "--no-distribute", "wild.hachyderm.io");

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("wild.hachyderm.io        RENEWED  version 1");
    java.security.cert.X509Certificate leaf = org.certfleet.cert.Pem.certificates(
        Files.readAllBytes(dir.resolve("state/live/wild.hachyderm.io/cert.pem"))).get(0);
    assertThat(leaf.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList())
        .containsExactlyInAnyOrder("*.hachyderm.io", "hachyderm.io");
  }

  @Test
  void dryRunContactsNothingAndWritesNothing(Lab lab, @TempDir Path dir) throws Exception {
    Path cfg = lab.configCopy(dir, lab.tsigSecretFile());

    CliRun run = CliRun.of("--config", cfg.toString(), "renew", "--no-distribute", "--dry-run");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("would renew: not issued yet");
    assertThat(dir.resolve("state")).doesNotExist();
  }
}
