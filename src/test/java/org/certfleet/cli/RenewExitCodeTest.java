package org.certfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.certfleet.testing.acme.AcmeFake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certfleet renew} exit codes through the real command line against {@link AcmeFake}. The
 * fake reuses earlier validations for these names, so no DNS record is needed.
 */
@Timeout(120)
class RenewExitCodeTest {
  @TempDir Path dir;
  AcmeFake ca;
  Path config;

  @BeforeEach
  void start() throws Exception {
    ca = AcmeFake.start(dir, Clock.systemUTC()).preValidate("media.hachyderm.io").preValidate("files.hachyderm.io");
    config = dir.resolve("certs.yaml");
    Files.writeString(config, """
        acme: {directory: "%s", email: ops@hachyderm.io, agree-to-terms: true, ca-certificates: "%s"}
        dns:
          providers:
            - {name: unused, type: exec, options: {command: /bin/false}}
        certificates:
          - {name: media.hachyderm.io, domains: [media.hachyderm.io], deploy-to: []}
          - {name: files.hachyderm.io, domains: [files.hachyderm.io], deploy-to: []}
        nodes: []
        state: {dir: "%s"}
        """.formatted(ca.directory(), ca.tlsCaFile(), dir.resolve("state")));
  }

  @AfterEach
  void stop() {
    ca.close();
  }

  @Test
  void someCertificatesFailingIsAPartialFailure() {
    ca.rateLimitOrdersFor("files.hachyderm.io", Duration.ofHours(1));

    CliRun run = CliRun.of("--config", config.toString(), "renew", "--no-distribute");

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.PARTIAL);
    assertThat(run.out()).contains("media.hachyderm.io       RENEWED  version 1",
        "files.hachyderm.io       FAILED   files.hachyderm.io: order of files.hachyderm.io: rate limited by the CA until",
        "2 certificates: 1 renewed, 0 skipped, 1 failed");
  }

  @Test
  void everyCertificateFailingIsAFailure() {
    ca.rateLimitOrdersFor("files.hachyderm.io", Duration.ofHours(1)).rateLimitOrdersFor("media.hachyderm.io", Duration.ofHours(1));

    CliRun run = CliRun.of("--config", config.toString(), "renew", "--no-distribute");

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.FAILURE);
    assertThat(run.out()).contains("2 certificates: 0 renewed, 0 skipped, 2 failed");
    assertThat(Files.exists(dir.resolve("state/live/media.hachyderm.io"))).isFalse();
  }
}
