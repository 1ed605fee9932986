package org.certfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.certfleet.testing.CertbotTree;
import org.certfleet.testing.TestCertificates;
import org.certfleet.store.StoreLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportCommandTest {
  static final TestCertificates CA = TestCertificates.ca("certfleet test CA");
  @TempDir Path certbot;
  @TempDir Path state;

  @Test
  void importsAndReportsEachLineage() throws IOException {
    CertbotTree.lineage(CA, certbot, "media.hachyderm.io", 2, 2);

    CliRun run = CliRun.of("--state", state.toString(), "import", "--certbot", certbot.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).isEqualTo("imported media.hachyderm.io: versions [1, 2], live version 2\n"
        + "1 of 1 lineage imported into " + state + "\n");
  }

  @Test
  void withAClusterSectionTheLineagesGoIntoTheDatabase() throws Exception {
    CertbotTree.lineage(CA, certbot, "media.hachyderm.io", 2, 1);
    org.certfleet.testing.pg.PostgresServer.Db db = org.certfleet.testing.pg.PostgresServer.shared().newDatabase();
    Path cfg = DbCommandTest.config(certbot.resolveSibling(certbot.getFileName() + "-certs.yaml"), state.resolve("local"),
        "cluster: {jdbc-url: \"" + db.jdbcUrl() + "\", user: " + db.user()
            + ", password: \"${env:DB_PASSWORD}\", encryption-key: \"${env:STATE_KEY}\"}\n");
    java.util.Map<String, String> env = java.util.Map.of("DB_PASSWORD", db.password(), "STATE_KEY",
        java.util.Base64.getEncoder().encodeToString(new byte[32]));
    assertThat(CliRun.of(env, "--config", cfg.toString(), "db", "migrate").exitCode()).isZero();

    CliRun run = CliRun.of(env, "--config", cfg.toString(), "import", "--certbot", certbot.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).isEqualTo("imported media.hachyderm.io: versions [1, 2], live version 1\n"
        + "1 of 1 lineage imported into the cluster database\n");
    assertThat(state.resolve("local")).as("the local state directory is not used").doesNotExist();
    CliRun again = CliRun.of(env, "--config", cfg.toString(), "import", "--certbot", certbot.toString());
    assertThat(again.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(again.out()).contains("refused  media.hachyderm.io: media.hachyderm.io: already in the shared database");
  }

  @Test
  void partialImportExitsThree() throws IOException {
    CertbotTree.lineage(CA, certbot, "media.hachyderm.io", 1, 1);
    CertbotTree.lineage(CA, certbot, "files.hachyderm.io", 1, 1);
    Files.delete(certbot.resolve("archive/files.hachyderm.io/privkey1.pem"));

    CliRun run = CliRun.of("--state", state.toString(), "import", "--certbot", certbot.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.PARTIAL);
    assertThat(run.out()).contains("refused  files.hachyderm.io: files.hachyderm.io: version 1", "1 of 2 lineages imported");
  }

  @Test
  void aLockedStateDirectoryExitsFourAndChangesNothing() throws IOException {
    CertbotTree.lineage(CA, certbot, "media.hachyderm.io", 1, 1);
    try (StoreLock held = StoreLock.acquire(state, Clock.systemUTC())) {
      CliRun run = CliRun.of("--state", state.toString(), "import", "--certbot", certbot.toString());

      assertThat(run.exitCode()).isEqualTo(ExitCodes.LOCKED);
      assertThat(run.err().strip()).startsWith("certfleet import: state directory " + state + " is locked by pid "
          + ProcessHandle.current().pid() + " since ");
      assertThat(state.resolve("archive")).doesNotExist();
    }
  }
}
