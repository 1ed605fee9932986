package org.certfleet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.certfleet.cert.KeyType;
import org.certfleet.testing.TestCatalogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
  @TempDir Path dir;

  /** A complete, valid config; tests replace one line of it to break exactly one thing. */
  static final String VALID =
      """
      acme:
        directory: letsencrypt
        email: ops@hachyderm.io
        agree-to-terms: true
      dns:
        default-provider: bind
        providers:
          - name: bind
            type: rfc2136
            options:
              server: 127.0.0.53:53
              tsig-key-name: certfleet.
              tsig-secret: ${env:TSIG_SECRET}
      certificates:
        - name: media.hachyderm.io
          domains: [media.hachyderm.io]
          deploy-to: [cdn]
      node-defaults:
        ssh:
          user: certfleet
          private-key: keys/id_ed25519
          known-hosts: /etc/certfleet/known_hosts
      nodes:
        - name: sally
          address: 127.0.0.11
        - name: esme
          address: 127.0.0.12
          ssh:
            port: 2222
      groups:
        - name: cdn
          nodes: [sally, esme]
      """;

  private AppConfig load(String yaml) throws IOException {
    Path file = dir.resolve("certs.yaml");
    Files.writeString(file, yaml);
    return new ConfigLoader(TestCatalogs.dns(), TestCatalogs.channels()).load(file);
  }

  private List<String> errors(String yaml) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(yaml));
    assertThat(e).as("expected the config to be rejected").isNotNull();
    String prefix = dir.resolve("certs.yaml").toString();
    return e.errors().stream().map(ConfigError::toString).map(s -> s.replace(prefix, "certs.yaml")).toList();
  }

  private static String replace(String what, String with) {
    assertThat(VALID).contains(what);
    return VALID.replace(what, with);
  }

  @Test
  void validConfigGetsDefaultsAndResolvedReferences() throws IOException {
    AppConfig c = load(VALID);

    assertThat(c.acme().directory().toString()).isEqualTo("https://acme-v02.api.letsencrypt.org/directory");
    assertThat(c.acme().keyType()).isEqualTo(KeyType.EC_P256);
    assertThat(c.dns().propagation().timeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(c.dns().propagation().interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.dns().providers().get(0).options())
        .containsEntry("tsig-secret", "${env:TSIG_SECRET}")
        .containsEntry("server", "127.0.0.53:53");
    CertSpec media = c.certificate("media.hachyderm.io").orElseThrow();
    assertThat(media.domains()).extracting(CertSpec.Domain::dnsProvider).containsExactly("bind");
    assertThat(c.nodesFor(media)).extracting(NodeSpec::name).containsExactly("sally", "esme");
    NodeSpec sally = c.node("sally").orElseThrow();
    assertThat(sally.ssh().port()).isEqualTo(22);
    assertThat(c.node("esme").orElseThrow().ssh().port()).isEqualTo(2222);
    assertThat(sally.ssh().privateKey()).isEqualTo(dir.resolve("keys/id_ed25519"));
    assertThat(sally.layout()).isEqualTo(NodeSpec.Layout.CERTBOT);
    assertThat(sally.baseDir()).isEqualTo("/etc/letsencrypt");
    assertThat(sally.keyMode()).isEqualTo(0600);
    assertThat(sally.certMode()).isEqualTo(0644);
    assertThat(sally.testCommand()).isEqualTo("nginx -t");
    assertThat(sally.reloadCommand()).isEqualTo("systemctl reload nginx");
    assertThat(sally.probePort()).isEqualTo(443);
    assertThat(c.alerts().warnBefore()).isEqualTo(Duration.ofDays(14));
    assertThat(c.alerts().repeatEvery()).isEqualTo(Duration.ofHours(24));
    assertThat(c.schedule().timeZone()).isEqualTo(ZoneId.of("UTC"));
    assertThat(c.schedule().report()).isEqualTo("0 0 9 ? * MON");
    assertThat(c.stateDir()).isEqualTo(Path.of("/var/lib/certfleet"));
    assertThat(c.secretUses()).singleElement().satisfies(u -> {
      assertThat(u.path()).isEqualTo("dns.providers[0].options.tsig-secret");
      assertThat(u.line()).isEqualTo(13);
      assertThat(u.ref()).isEqualTo(new SecretRef(SecretRef.Kind.ENV, "TSIG_SECRET"));
    });
  }

  @Test
  void deploySectionDefaultsAndValues() throws IOException {
    assertThat(load(VALID).deploy()).isEqualTo(DeployConfig.defaults());
    assertThat(DeployConfig.defaults().parallelism()).isEqualTo(8);
    assertThat(DeployConfig.defaults().maxFailedNodes()).isEqualTo(1);

    DeployConfig d = load(VALID + """
        deploy:
          canary: esme
          parallelism: 3
          max-failed-nodes: 0
          verify-timeout: 5s
          hooks: [hooks/deploy/purge-cdn.sh, /usr/local/bin/notify]
          hook-timeout: 2m
        """).deploy();

    assertThat(d.canary()).isEqualTo("esme");
    assertThat(d.parallelism()).isEqualTo(3);
    assertThat(d.maxFailedNodes()).isZero();
    assertThat(d.verifyTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(d.hooks()).containsExactly(dir.resolve("hooks/deploy/purge-cdn.sh"), Path.of("/usr/local/bin/notify"));
    assertThat(d.hookTimeout()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void deploySectionRejectsAnUnknownCanaryAndOutOfRangeNumbers() {
    assertThat(errors(VALID + """
        deploy:
          canary: fritz
          parallelism: 0
          max-failed-nodes: -1
          verify-timeout: 0s
          retries: 3
        """)).containsExactly(
            "certs.yaml:34:11: deploy.canary: node \"fritz\" is not defined (expected one of: sally, esme)",
            "certs.yaml:35:16: deploy.parallelism: 0 is out of range (expected 1 to 256)",
            "certs.yaml:36:21: deploy.max-failed-nodes: -1 is out of range (expected 0 to 10000)",
            "certs.yaml:37:19: deploy.verify-timeout: \"0s\" must be longer than zero",
            "certs.yaml:38:3: deploy.retries: unknown key (expected one of: canary, parallelism, max-failed-nodes,"
                + " verify-timeout, hook-timeout, hooks)");
  }

  @Test
  void internationalizedNamesBecomePunycodeAndNameDefaultsToFirstDomain() throws IOException {
    AppConfig c = load(replace(
        "  - name: media.hachyderm.io\n    domains: [media.hachyderm.io]",
        "  - domains: [Bücher.Example.ORG, \"*.bücher.example.org\"]"));

    CertSpec cert = c.certificates().get(0);
    assertThat(cert.name().value()).isEqualTo("xn--bcher-kva.example.org");
    assertThat(cert.names()).extracting(Object::toString)
        .containsExactly("xn--bcher-kva.example.org", "*.xn--bcher-kva.example.org");
  }

  @Test
  void perDomainProviderOverridesTheDefault() throws IOException {
    AppConfig c = load(replace(
            "domains: [media.hachyderm.io]",
            "domains:\n      - media.hachyderm.io\n      - {name: files.hachyderm.io, dns-provider: hook}")
        .replace("  providers:\n",
            "  providers:\n    - name: hook\n      type: exec\n      options: {command: hooks/dns/nsupdate.sh}\n"));

    assertThat(c.certificates().get(0).domains())
        .extracting(d -> d.name() + "=" + d.dnsProvider())
        .containsExactly("media.hachyderm.io=bind", "files.hachyderm.io=hook");
  }

  static List<Object[]> singleErrors() {
    return List.of(
        new Object[] {"  email: ops@hachyderm.io\n", "  emial: ops@hachyderm.io\n",
            "certs.yaml:2:3: acme.email: required field is missing (expected the contact e-mail for the ACME account)\n"
                + "certs.yaml:3:3: acme.emial: unknown key (did you mean \"email\"? expected one of: directory, email,"
                + " agree-to-terms, key-type, profile, eab, ca-certificates)"},
        new Object[] {"  agree-to-terms: true", "  agree-to-terms: yes",
            "certs.yaml:4:19: acme.agree-to-terms: expected true or false, found text \"yes\""},
        new Object[] {"  agree-to-terms: true", "  agree-to-terms: true\n  colour: blue",
            "certs.yaml:5:3: acme.colour: unknown key (expected one of: directory, email, agree-to-terms, key-type,"
                + " profile, eab, ca-certificates)"},
        new Object[] {"  default-provider: bind", "  default-provider: route53",
            "certs.yaml:6:21: dns.default-provider: DNS provider \"route53\" is not defined (expected one of: bind)"},
        new Object[] {"type: rfc2136", "type: route53",
            "certs.yaml:9:13: dns.providers[0].type: unknown DNS provider type \"route53\" (expected one of: exec, rfc2136)"},
        new Object[] {"        tsig-key-name: certfleet.\n", "        tsig-keyname: certfleet.\n",
            "certs.yaml:11:9: dns.providers[0].options.tsig-key-name: required option is missing (key name)\n"
                + "certs.yaml:12:9: dns.providers[0].options.tsig-keyname: unknown key (did you mean \"tsig-key-name\"?"
                + " expected one of: server, tsig-key-name, tsig-algorithm, tsig-secret)"},
        new Object[] {"tsig-secret: ${env:TSIG_SECRET}", "tsig-secret: c2VjcmV0LXZhbHVl",
            "certs.yaml:13:22: dns.providers[0].options.tsig-secret: must be a secret reference, never the secret"
                + " itself (expected ${env:NAME} or ${file:/absolute/path})"},
        new Object[] {"tsig-secret: ${env:TSIG_SECRET}", "tsig-secret: ${file:relative/path}",
            "certs.yaml:13:22: dns.providers[0].options.tsig-secret: malformed secret reference (expected"
                + " ${env:NAME} or ${file:/absolute/path})"},
        new Object[] {"domains: [media.hachyderm.io]", "domains: [media.*.hachyderm.io]",
            "certs.yaml:16:15: certificates[0].domains[0]: \"media.*.hachyderm.io\": a wildcard is allowed only as"
                + " the leftmost label (e.g. *.example.org)"},
        new Object[] {"domains: [media.hachyderm.io]", "domains: [media_files.hachyderm.io]",
            "certs.yaml:16:15: certificates[0].domains[0]: \"media_files.hachyderm.io\": not a valid DNS name"
                + " (Contains non-LDH ASCII characters)"},
        new Object[] {"domains: [media.hachyderm.io]", "domains: [media.hachyderm.io, MEDIA.hachyderm.io.]",
            "certs.yaml:16:35: certificates[0].domains[1]: \"media.hachyderm.io\" is listed twice"},
        new Object[] {"deploy-to: [cdn]", "deploy-to: [pops]",
            "certs.yaml:17:17: certificates[0].deploy-to[0]: group or node \"pops\" is not defined (expected one of:"
                + " cdn, sally, esme)"},
        new Object[] {"  - name: media.hachyderm.io", "  - name: ../../etc",
            "certs.yaml:15:11: certificates[0].name: \"../../etc\" is not a valid certificate name (expected"
                + " lowercase letters, digits, '.', '-', '_'; no '/', no '..', not starting with '.'; at most 64"
                + " characters)"},
        new Object[] {"      port: 2222", "      port: 70000",
            "certs.yaml:29:13: nodes[1].ssh.port: 70000 is out of range (expected 1 to 65535)"},
        new Object[] {"      port: 2222", "      port: \"22\"",
            "certs.yaml:29:13: nodes[1].ssh.port: expected a whole number from 1 to 65535, found text \"22\""},
        new Object[] {"  - name: esme\n", "  - name: sally\n    address: 127.0.0.13\n  - name: esme\n",
            "certs.yaml:26:11: nodes[1].name: duplicate node name \"sally\" (first defined on line 24)"},
        new Object[] {"    nodes: [sally, esme]", "    nodes: [sally, fritz]",
            "certs.yaml:32:20: groups[0].nodes[1]: node \"fritz\" is not defined (expected one of: sally, esme)"},
        new Object[] {"    address: 127.0.0.11", "    address: 127.0.0.300",
            "certs.yaml:25:14: nodes[0].address: \"127.0.0.300\" is not a valid IPv4 address"},
        new Object[] {"      port: 2222", "      port: 2222\n    key-mode: 0600",
            "certs.yaml:30:15: nodes[1].key-mode: must be a quoted string (expected e.g. \"0600\"; YAML reads 0600"
                + " as a number)"},
        new Object[] {"    known-hosts: /etc/certfleet/known_hosts\n", "",
            "certs.yaml:23:5: nodes[0]: not set here nor in node-defaults: ssh.known-hosts\n"
                + "certs.yaml:25:5: nodes[1]: not set here nor in node-defaults: ssh.known-hosts"},
        new Object[] {"    nodes: [sally, esme]", "    nodes: [sally, esme]\nschedule:\n  report: \"0 9 * * 1\"",
            "certs.yaml:34:11: schedule.report: \"0 9 * * 1\" looks like a 5-field crontab line; Quartz cron has a"
                + " seconds field first and needs ? in day-of-month or day-of-week (expected e.g. \"0 0 9 * * 1\")"},
        new Object[] {"    nodes: [sally, esme]", "    nodes: [sally, esme]\nschedule:\n  report: \"0 0 9 * * MON\"",
            "certs.yaml:34:11: schedule.report: \"0 0 9 * * MON\" is not a valid Quartz cron expression: Support for"
                + " specifying both a day-of-week AND a day-of-month parameter is not implemented. (expected six or"
                + " seven fields, seconds first, e.g. \"0 0 9 ? * MON\")"},
        new Object[] {"    nodes: [sally, esme]", "    nodes: [sally, esme]\nalerts:\n  warn-before: 2 weeks",
            "certs.yaml:34:16: alerts.warn-before: \"2 weeks\" is not a duration (expected e.g. 500ms, 30s, 5m, 24h, 14d)"},
        new Object[] {"groups:\n", "groups:\n  - name: sally\n    nodes: [sally]\n",
            "certs.yaml:31:11: groups[0].name: \"sally\" is also a node name; deploy-to could not tell them apart"},
        new Object[] {"  directory: letsencrypt", "  directory: http://acme.example.org/dir",
            "certs.yaml:2:14: acme.directory: \"http://acme.example.org/dir\" is not a directory (expected"
                + " letsencrypt, letsencrypt-staging, pebble or an https:// URL)"},
        new Object[] {"  directory: letsencrypt", "  directory: letsencrypt\n  directory: pebble",
            "certs.yaml:3:3: acme.directory: duplicate key (first defined on line 2)"});
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("singleErrors")
  void eachMistakeGetsOneErrorWithItsPosition(String what, String with, String expected) {
    assertThat(String.join("\n", errors(replace(what, with)))).isEqualTo(expected);
  }

  @Test
  void reportsEveryErrorAtOnceInFileOrder() {
    String yaml = VALID
        .replace("agree-to-terms: true", "agree-to-terms: false")
        .replace("type: rfc2136", "type: route53")
        .replace("domains: [media.hachyderm.io]", "domains: [\"*.*.hachyderm.io\"]")
        .replace("deploy-to: [cdn]", "deploy-to: [pops]")
        .replace("      port: 2222", "      port: 0");

    List<String> errors = errors(yaml);

    assertThat(errors).hasSize(5);
    assertThat(errors).extracting(e -> e.split(": ")[1]).containsExactly(
        "acme.agree-to-terms",
        "dns.providers[0].type",
        "certificates[0].domains[0]",
        "certificates[0].deploy-to[0]",
        "nodes[1].ssh.port");
    assertThat(errors).allMatch(e -> e.matches("certs\\.yaml:\\d+:\\d+: .*"));
  }

  @Test
  void secretValuesNeverAppearInErrors() {
    String secret = "c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1ub3QtbGVhaw==";
    String yaml = VALID
        .replace("tsig-secret: ${env:TSIG_SECRET}", "tsig-secret: " + secret)
        .replace("  agree-to-terms: true", "  agree-to-terms: true\n  eab: {key-id: kid, hmac-key: " + secret + "}");

    List<String> errors = errors(yaml);

    assertThat(errors).hasSize(2).noneMatch(e -> e.contains(secret));
  }

  @Test
  void syntaxErrorsAndEmptyOrMissingFilesAreOneLine() throws IOException {
    assertThat(errors("acme:\n  email: [unclosed\n")).singleElement().asString()
        .startsWith("certs.yaml:3:1: not valid YAML: ");
    assertThat(errors("")).containsExactly("certs.yaml: file is empty (expected the sections acme, dns, certificates,"
        + " nodes …)");
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> new ConfigLoader(TestCatalogs.dns(), TestCatalogs.channels()).load(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessage(missing + ": file not found");
  }

  @Test
  void flatLayoutNeedsBothPathsWithNamePlaceholder() {
    assertThat(errors(replace("      port: 2222", "      port: 2222\n    layout: flat\n    fullchain-path: /etc/nginx/tls/cert.pem")))
        .containsExactly(
            "certs.yaml:26:5: nodes[1]: not set here nor in node-defaults: fullchain-path (layout flat),"
                + " privkey-path (layout flat)",
            "certs.yaml:31:21: nodes[1].fullchain-path: \"/etc/nginx/tls/cert.pem\" must contain {name} so each"
                + " certificate gets its own file (expected e.g. /etc/nginx/tls/{name}.pem)");
  }
}
