package org.certfleet.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.certfleet.config.PluginSpec;
import org.certfleet.config.SecretResolver;
import org.certfleet.dns.exec.ExecFactory;
import org.certfleet.dns.rfc2136.Rfc2136Factory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProvidersTest {
  static final String SECRET = "c2VjcmV0LXRzaWcta2V5LXZhbHVlLTAxMjM0NTY3ODk=";
  @TempDir Path dir;

  DnsProviders registry() {
    return new DnsProviders(List.of(new Rfc2136Factory(), new ExecFactory(dir)));
  }

  SecretResolver secrets() {
    return new SecretResolver(Map.of("TSIG", SECRET, "NOT_B64", "not base64!")::get);
  }

  static Map<String, String> rfc2136(String... overrides) {
    Map<String, String> m = new HashMap<>(Map.of("server", "127.0.0.53:53", "tsig-key-name", "certfleet.",
        "tsig-secret", "${env:TSIG}"));
    for (int i = 0; i < overrides.length; i += 2) {
      if (overrides[i + 1] == null) {
        m.remove(overrides[i]);
      } else {
        m.put(overrides[i], overrides[i + 1]);
      }
    }
    return m;
  }

  @Test
  void unknownTypeListsKnownOnesAndAliasesResolve() {
    assertThatThrownBy(() -> registry().factory("route66"))
        .hasMessage("unknown DNS provider type \"route66\" (expected one of: rfc2136, nsupdate, exec)");
    assertThat(registry().factory("nsupdate").id()).isEqualTo("rfc2136");
    assertThat(registry().types()).containsExactly("rfc2136", "nsupdate", "exec");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "server|not-an-ip|dns provider lab (rfc2136): option server: \"not-an-ip\" is not an IPv4 address with an optional port (expected e.g. 192.0.2.53:53)",
      "server|127.0.0.1:99999|dns provider lab (rfc2136): option server: port 99999 is out of range (expected 1 to 65535)",
      "tsig-algorithm|md4|dns provider lab (rfc2136): option tsig-algorithm: \"md4\" is not one of hmac-sha256, hmac-sha384, hmac-sha512, hmac-sha1",
      "tsig-secret|${env:MISSING}|dns provider lab (rfc2136): option tsig-secret: ${env:MISSING}: environment variable MISSING is not set",
      "tsig-secret|${env:NOT_B64}|dns provider lab (rfc2136): option tsig-secret: the referenced value is not base64",
      "ttl|0|dns provider lab (rfc2136): option ttl: \"0\" is not a whole number from 1 to 86400",
      "timeout|forever|dns provider lab (rfc2136): option timeout: \"forever\" is not a duration above zero (expected e.g. 500ms, 10s, 2m)",
      "tsig-key-name||dns provider lab (rfc2136): option tsig-key-name is required (name of the TSIG key, e.g. certfleet-acme.)",
      "colour|blue|dns provider lab (rfc2136): unknown option colour (expected one of: server, tsig-key-name, tsig-algorithm, tsig-secret, zone, ttl, timeout)",
  })
  void badOptionsAreRejectedBeforeAnyNetworkCallNamingTheOption(String option, String value, String message) {
    Map<String, String> options = rfc2136(option, value);

    assertThatThrownBy(() -> registry().create(new PluginSpec("lab", "rfc2136", options), secrets()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message)
        .message().doesNotContain(SECRET);
  }

  @Test
  void validRfc2136OptionsCreateAProvider() {
    assertThat(registry().create(new PluginSpec("lab", "nsupdate", rfc2136("tsig-algorithm", "HMAC-SHA512.")), secrets()))
        .isNotNull();
  }

  private Path hook() throws IOException {
    Path hook = dir.resolve("record-hook.sh");
    Files.copy(Path.of("src/test/resources/dns/record-hook.sh"), hook);
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
    return hook;
  }

  @Test
  void execRunsTheHookWithLegoArgumentsAndEnvironment() throws Exception {
    hook();
    Path log = dir.resolve("hook.log");
    DnsProvider p = new ExecFactory(dir).create("hook", Map.of("command", "record-hook.sh"), secrets());
    TxtRecord r = new TxtRecord("_acme-challenge.media.hachyderm.io.", "hachyderm.io.", "abc123", Duration.ofSeconds(60));

    p.present(r);
    p.cleanUp(r);

    assertThat(Files.readAllLines(log)).containsExactly(
        "present _acme-challenge.media.hachyderm.io. abc123 zone=hachyderm.io. ttl=60 domain=media.hachyderm.io validation=abc123",
        "cleanup _acme-challenge.media.hachyderm.io. abc123 zone=hachyderm.io. ttl=60 domain=media.hachyderm.io validation=abc123");
  }

  @Test
  void execFailureCarriesStderrAndTimeoutKills() throws Exception {
    hook();
    Path log = dir.resolve("hook.log");
    DnsProvider p = new ExecFactory(dir).create("hook", Map.of("command", "record-hook.sh", "timeout", "500ms"), secrets());

    assertThatThrownBy(() -> p.present(new TxtRecord("_acme-challenge.a.example.", "a.example.", "fail", Duration.ofSeconds(60))))
          .hasMessage("dns provider hook (exec record-hook.sh): present TXT _acme-challenge.a.example. \"fail\": exit status 3:"
              + " provider API said no");
      long start = System.nanoTime();
      assertThatThrownBy(() -> p.present(new TxtRecord("_acme-challenge.a.example.", "a.example.", "hang", Duration.ofSeconds(60))))
          .hasMessageContaining("killed after 0 s");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      assertThat(Files.readAllLines(log)).hasSize(2);
  }

  @Test
  void execRejectsAMissingProgram() {
    assertThatThrownBy(() -> new ExecFactory(dir).create("hook", Map.of("command", "nope.sh"), secrets()))
        .hasMessage("dns provider hook (exec): option command: " + dir.resolve("nope.sh") + " is not an executable file");
  }
}
