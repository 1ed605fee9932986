package org.certfleet.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.certfleet.cli.CliRun;
import org.certfleet.cli.ExitCodes;
import org.certfleet.testing.lab.Lab;
import org.certfleet.testing.lab.LabExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code certfleet inventory} on the lab: real SSH, real nginx, real chains from Pebble. */
@ExtendWith(LabExtension.class)
class InventoryIT {
  Lab lab;

  @AfterEach
  void tearDown() throws Exception {
    if (lab != null) {
      org.certfleet.testing.lab.LabNodes.resetCertificates(lab);
    }
  }

  @Test
  void beforeRenewalNodesServeUntrustedCertificatesAfterItEverythingIsCurrent(Lab lab, @TempDir Path dir) throws Exception {
    this.lab = lab;
    Path cfg = lab.configCopy(dir, lab.tsigSecretFile());

    CliRun before = CliRun.of("--config", cfg.toString(), "inventory", "media.hachyderm.io");
    assertThat(before.exitCode()).as(before.out() + before.err()).isEqualTo(ExitCodes.FAILURE);
    for (Lab.Node n : lab.nodes()) {
      assertThat(before.out()).contains("CHAIN_INVALID   " + n.name() + " media.hachyderm.io@" + n.address() + ":8443");
    }
    CliRun tolerant = CliRun.of("--config", cfg.toString(), "inventory", "--fail-on", "never", "media.hachyderm.io");
    assertThat(tolerant.exitCode()).isZero();

    CliRun renew = CliRun.of("--config", cfg.toString(), "renew", "media.hachyderm.io");
    assertThat(renew.exitCode()).as(renew.out() + renew.err()).isZero();

    CliRun after = CliRun.of("--config", cfg.toString(), "--json", "inventory", "media.hachyderm.io");
    assertThat(after.exitCode()).as(after.out() + after.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(after.out());
    assertThat(report.get("findings")).isEmpty();
    JsonNode cert = report.get("certificates").get(0);
    String issued = cert.get("issued").get("sha256").asText();
    assertThat(cert.get("nodes")).hasSize(lab.nodes().size()).allSatisfy(n -> {
      assertThat(n.get("deployed").get("cert").get("sha256").asText()).isEqualTo(issued);
      assertThat(n.get("deployed").get("keyMatches").asBoolean()).isTrue();
      assertThat(n.get("deployed").get("keyMode").asInt()).isEqualTo(0600);
      assertThat(n.get("served").get(0).get("leaf").get("sha256").asText()).isEqualTo(issued);
      assertThat(n.get("served").get(0).get("chainProblem").isNull()).isTrue();
    });
  }

  @Test
  void aNodeLeftOnTheOldCertificateIsDrift(Lab lab, @TempDir Path dir) throws Exception {
    this.lab = lab;
    Path cfg = lab.configCopy(dir, lab.tsigSecretFile());
    Lab.Node stale = lab.nodes().get(0);
    CliRun renew = CliRun.of("--config", cfg.toString(), "renew", "media.hachyderm.io");
    assertThat(renew.exitCode()).isZero();
    // Put the stale node's links back on its original version, as if a hand deploy had been undone.
    for (String kind : new String[] {"cert", "chain", "fullchain", "privkey"}) {
      Path link = stale.baseDir().resolve("live/media.hachyderm.io/" + kind + ".pem");
      Files.delete(link);
      Files.createSymbolicLink(link, Path.of("../../archive/media.hachyderm.io/" + kind + "1.pem"));
    }

    CliRun run = CliRun.of("--config", cfg.toString(), "inventory", "media.hachyderm.io");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(run.out()).contains("DRIFT           " + stale.name() + " holds serial");
    assertThat(run.out()).doesNotContain("DRIFT           " + stale.name() + " media.hachyderm.io@")
        .as("nginx was not reloaded, so it still serves the new certificate");
  }
}
