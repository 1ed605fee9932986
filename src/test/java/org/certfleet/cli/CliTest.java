package org.certfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  @TempDir Path dir;

  private static final String CONFIG =
      """
      acme: {directory: pebble, email: ops@hachyderm.io, agree-to-terms: true}
      dns:
        providers:
          - name: bind
            type: rfc2136
            options: {server: "127.0.0.53:53", tsig-key-name: certfleet., tsig-secret: "${env:CF_TEST_TSIG}"}
      certificates:
        - {name: media.hachyderm.io, domains: [media.hachyderm.io], deploy-to: [sally]}
        - {domains: [hachyderm.io, www.hachyderm.io], deploy-to: [sally]}
      node-defaults:
        ssh: {user: root, private-key: id_ed25519, known-hosts: known_hosts}
      nodes:
        - {name: sally, address: 127.0.0.11}
      state: {dir: state}
      """;

  private Path config(String text) throws IOException {
    Path file = dir.resolve("certs.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void checkPrintsOneLineSummary() throws IOException {
    CliRun run = CliRun.of("--config", config(CONFIG).toString(), "check");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.out().strip()).isEqualTo(dir.resolve("certs.yaml")
        + ": OK: 2 certificates (3 domains), 1 node in 0 groups, 1 DNS provider, 0 alert channels");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void theRepositoryExampleConfigIsValid() {
    CliRun run = CliRun.of("--config", "certs.yaml", "check");

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).contains("OK: 3 certificates (4 domains), 5 nodes in 2 groups, 1 DNS provider, 1 alert channel");
  }

  @Test
  void invalidConfigExitsTwoWithEveryErrorOnStderrAndNothingCreated() throws IOException {
    Path file = config(CONFIG.replace("address: 127.0.0.11", "address: 127.0.0.11, port: 99999")
        .replace("deploy-to: [sally]}\n  - {domains", "deploy-to: [nobody]}\n  - {domains"));

    CliRun run = CliRun.of("--config", file.toString(), "check");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines()).containsExactly(
        file + ":8:75: certificates[0].deploy-to[0]: group or node \"nobody\" is not defined (expected one of: sally)",
        file + ":13:40: nodes[0].port: unknown key (expected one of: name, address, ssh, layout, base-dir,"
            + " fullchain-path, privkey-path, owner, cert-mode, key-mode, test-command, reload-command, sudo, probe-port)");
    assertThat(dir.resolve("state")).doesNotExist();
  }

  @Test
  void checkJsonIsMachineReadable() throws IOException {
    CliRun run = CliRun.of("--config", config(CONFIG).toString(), "--json", "check");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("\"ok\" : true", "\"certificates\" : 2", "\"domains\" : 3", "\"nodes\" : 1");
  }

  @Test
  void resolveSecretsNamesTheMissingReferenceAndNeverPrintsValues() throws IOException {
    Path file = config(CONFIG);

    CliRun missing = CliRun.of(Map.of(), "--config", file.toString(), "check", "--resolve-secrets");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(missing.err().strip()).isEqualTo(file + ":6:82: dns.providers[0].options.tsig-secret: ${env:CF_TEST_TSIG}:"
        + " environment variable CF_TEST_TSIG is not set");

    String secret = "dG9wLXNlY3JldC10c2lnLWtleQ==";
    CliRun ok = CliRun.of(Map.of("CF_TEST_TSIG", secret), "--config", file.toString(), "check", "--resolve-secrets");
    assertThat(ok.exitCode()).isZero();
    assertThat(ok.out()).contains("all 1 secret references resolve").doesNotContain(secret);
    assertThat(ok.err()).doesNotContain(secret);
  }

  @Test
  void configComesFromEnvironmentWhenNotGiven() throws IOException {
    Path file = config(CONFIG);

    CliRun run = CliRun.of(Map.of("CERTFLEET_CONFIG", file.toString()), "check");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith(file + ": OK");
  }

  @Test
  void missingConfigIsOneLine() {
    CliRun run = CliRun.of("--config", dir.resolve("absent.yaml").toString(), "check");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err().strip()).isEqualTo(dir.resolve("absent.yaml") + ": file not found");
  }

  @Test
  void unknownOptionIsBadInput() {
    CliRun run = CliRun.of("check", "--frobnicate");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run.err()).contains("Unknown option: '--frobnicate'");
  }

  @Test
  void globalOptionsWorkAfterTheCommandToo() throws IOException {
    CliRun run = CliRun.of("check", "--json", "--config", config(CONFIG).toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("\"ok\" : true");
  }

  @Test
  void completionScriptIsGenerated() {
    CliRun run = CliRun.of("generate-completion");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("complete -F _complete_certfleet", "renew", "distribute");
  }
}
