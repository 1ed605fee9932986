package org.certfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.certfleet.testing.pg.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code certfleet db migrate|status}: exit codes and output against a real PostgreSQL. */
class DbCommandTest {
  @TempDir Path dir;

  Path config(String cluster) throws Exception {
    return config(dir.resolve("certs.yaml"), dir.resolve("state"), cluster);
  }

  /** A config with no certificates or nodes, its state in {@code state}, and {@code cluster} (YAML) appended. */
  static Path config(Path file, Path state, String cluster) throws java.io.IOException {
    Files.writeString(file, """
        acme: {directory: pebble, email: ops@hachyderm.io, agree-to-terms: true}
        dns:
          providers:
            - {name: unused, type: exec, options: {command: /bin/false}}
        certificates: []
        nodes: []
        state: {dir: "%s"}
        """.formatted(state) + cluster);
    return file;
  }

  @Test
  void migrateAppliesOnceThenReportsCurrentAndStatusFollows() throws Exception {
    PostgresServer.Db db = PostgresServer.shared().newDatabase();
    Path cfg = config("cluster: {jdbc-url: \"" + db.jdbcUrl() + "\", user: " + db.user()
        + ", password: \"${env:DB_PASSWORD}\", encryption-key: \"${env:STATE_KEY}\"}\n");
    Map<String, String> env = Map.of("DB_PASSWORD", db.password(), "STATE_KEY", "k");

    CliRun pending = CliRun.of(env, "--config", cfg.toString(), "db", "status");
    assertThat(pending.exitCode()).as(pending.err()).isEqualTo(ExitCodes.FAILURE);
    assertThat(pending.out()).contains("schema version 0 of ", "pending: V1__quartz", "(run certfleet db migrate)");

    CliRun first = CliRun.of(env, "--config", cfg.toString(), "db", "migrate");
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out()).startsWith("applied V1__quartz\n");
    CliRun again = CliRun.of(env, "--config", cfg.toString(), "db", "migrate");
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out()).startsWith("the schema is current (version ");
    CliRun status = CliRun.of(env, "--config", cfg.toString(), "db", "status");
    assertThat(status.exitCode()).isZero();
    assertThat(first.out() + first.err() + again.out() + status.out()).doesNotContain(db.password());
  }

  @Test
  void badConfigOrNoClusterSectionIsExitTwoAndAnUnreachableDatabaseExitOne() throws Exception {
    CliRun noCluster = CliRun.of("--config", config("").toString(), "db", "migrate");
    assertThat(noCluster.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(noCluster.err()).contains("has no cluster: section");

    CliRun bad = CliRun.of("--config", config("cluster: {jdbc-url: \"jdbc:mysql://db/x\", user: u,"
        + " encryption-key: \"${env:K}\"}\n").toString(), "db", "migrate");
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(bad.err()).contains("cluster.jdbc-url: only PostgreSQL is supported");

    CliRun down = CliRun.of(Map.of("DB_PASSWORD", "secret-pw-123", "K", "k"), "--config", config(
        "cluster: {jdbc-url: \"jdbc:postgresql://127.0.0.1:1/x\", user: u, password: \"${env:DB_PASSWORD}\","
            + " encryption-key: \"${env:K}\", connect-timeout: 1s}\n").toString(), "db", "migrate");
    assertThat(down.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(down.err()).startsWith("certfleet migrate: ").doesNotContain("secret-pw-123");
  }
}
