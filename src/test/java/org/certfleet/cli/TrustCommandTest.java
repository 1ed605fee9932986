package org.certfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.certfleet.testing.TestCertificates;
import org.certfleet.testing.ssh.FakeNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code certfleet trust}: shows the offered key, pins only on request, never replaces a pin. */
class TrustCommandTest {
  @TempDir Path dir;
  FakeNode node;
  Path knownHosts;
  Path cfg;
  String fingerprint;

  @BeforeEach
  void setUp() throws Exception {
    KeyPair client = TestCertificates.ecP256();
    node = FakeNode.start(dir, "n1", client.getPublic());
    knownHosts = dir.resolve("known_hosts");
    cfg = dir.resolve("certs.yaml");
    Files.writeString(cfg, FakeNode.config(FakeNode.writeClientKey(dir.resolve("id"), client), knownHosts, List.of(node),
        Map.of(), "", dir.resolve("state")));
    fingerprint = KeyUtils.getFingerPrint(node.hostKey());
  }

  @AfterEach
  void tearDown() throws Exception {
    node.close();
  }

  @Test
  void showsTheKeyAndPinsItOnlyWithYes() throws Exception {
    CliRun look = CliRun.of("--config", cfg.toString(), "trust", "n1");
    assertThat(look.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(look.out()).contains("n1 (127.0.0.1:" + node.port() + ") offers ecdsa-sha2-nistp256 " + fingerprint,
        "not pinned in " + knownHosts, "certfleet trust n1 --yes");
    assertThat(knownHosts).doesNotExist();

    CliRun wrong = CliRun.of("--config", cfg.toString(), "trust", "n1", "--yes", "--fingerprint", "SHA256:nope");
    assertThat(wrong.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(wrong.err()).contains("not the expected SHA256:nope; not pinning");
    assertThat(knownHosts).doesNotExist();

    CliRun pin = CliRun.of("--config", cfg.toString(), "trust", "n1", "--yes", "--fingerprint", fingerprint);
    assertThat(pin.exitCode()).as(pin.err()).isZero();
    assertThat(Files.readString(knownHosts)).isEqualTo(node.knownHostsLine() + "\n");
    assertThat(Files.getPosixFilePermissions(knownHosts)).hasSize(4);

    CliRun again = CliRun.of("--config", cfg.toString(), "trust", "n1");
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).contains("already pinned in " + knownHosts);
    assertThat(Files.readString(knownHosts).lines()).hasSize(1);
  }

  @Test
  void neverReplacesADifferentPinnedKey() throws Exception {
    String other = "[127.0.0.1]:" + node.port() + " " + PublicKeyEntry.toString(TestCertificates.ecP256().getPublic()) + "\n";
    Files.writeString(knownHosts, other);

    CliRun run = CliRun.of("--config", cfg.toString(), "trust", "n1", "--yes");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(run.err()).contains("pins a DIFFERENT ecdsa-sha2-nistp256 key", "ssh-keygen -R");
    assertThat(Files.readString(knownHosts)).isEqualTo(other);
  }
}
