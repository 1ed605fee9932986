package org.certfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.certfleet.testing.lab.Lab;
import org.certfleet.testing.lab.LabExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar as an operator runs it: {@code java -jar target/certfleet.jar …}. */
@ExtendWith(LabExtension.class)
class JarIT {
  static final Path JAR = Path.of(System.getProperty("certfleet.jar", "target/certfleet.jar"));

  record Result(int code, String out, String err) {}

  static Result run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        JAR.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void theJarRunsAndReportsItsVersion() throws Exception {
    Result r = run("--version");

    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("certfleet ");
  }

  @Test
  void logsAreJsonLinesOnStderrWithLogFormatJsonAndResultsStayOnStdout(Lab lab, @TempDir Path dir) throws Exception {
    Path cfg = lab.configCopy(dir, lab.tsigSecretFile());

    Result r = run("--config", cfg.toString(), "--log-format", "json", "renew", "--no-distribute", "media.hachyderm.io");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("media.hachyderm.io       RENEWED  version 1").doesNotContain("\"level\"");
    List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).isNotEmpty();
    ObjectMapper json = new ObjectMapper();
    for (String line : lines) {
      JsonNode n = json.readTree(line);
      assertThat(n.has("level") && n.has("loggerName")).as(line).isTrue();
    }
    assertThat(r.err()).contains("renewing: not issued yet");
    assertThat(r.err()).doesNotContain(Files.readString(lab.tsigSecretFile()).strip());
  }

  @Test
  void theLauncherRunsTheJarWithItsJvmSettingsAndPassesTheExitCode(@TempDir Path dir) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("src/main/sh/certfleet", "--config", dir.resolve("missing.yaml").toString(), "check")
        .redirectErrorStream(true);
    pb.environment().put("CERTFLEET_CDS_DIR", dir.resolve("cds").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(out).contains("missing.yaml", "file not found");

    ProcessBuilder missing = new ProcessBuilder("src/main/sh/certfleet", "--version").redirectErrorStream(true);
    missing.environment().put("CERTFLEET_JAR", dir.resolve("nope.jar").toString());
    Process m = missing.start();
    String text = new String(m.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(m.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(m.exitValue()).isEqualTo(1);
    assertThat(text).contains("nope.jar not found");
  }

  static Result launch(Path cds, String javaOpts, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("src/main/sh/certfleet"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("CERTFLEET_CDS_DIR", cds.toString());
    pb.environment().put("CERTFLEET_JAVA_OPTS", javaOpts);
    pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void theLaunchersFirstRunWritesAClassDataArchiveThatLaterRunsMapWithoutChangingTheOutput(@TempDir Path dir)
      throws Exception {
    Path cds = dir.resolve("cache");
    String cfg = Path.of("certs.yaml").toAbsolutePath().toString();

    Result first = launch(cds, "", "--config", cfg, "--json", "check");
    assertThat(first.code()).as(first.err()).isZero();
    try (var files = Files.list(cds)) {
      assertThat(files.map(f -> f.getFileName().toString()).toList()).singleElement()
          .satisfies(n -> assertThat(n).matches("certfleet-check-\\d+\\.jsa"));
    }

    Path classes = dir.resolve("classes.log");
    Result second = launch(cds, "-Xshare:on -Xlog:class+load=info:file=" + classes, "--config", cfg, "--json", "check");
    assertThat(second.code()).as(second.err()).isZero();
    assertThat(second.out()).as("JVM notes never reach stdout").isEqualTo(first.out());
    assertThat(Files.readString(classes)).as("certfleet's own classes come from the archive")
        .contains("org.certfleet.Main source: shared objects file");

    Result other = launch(dir.resolve("fresh"), "", "--config", dir.resolve("missing.yaml").toString(), "check");
    assertThat(other.code()).as("a first run exits with the command's code").isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(other.err()).contains("missing.yaml");
    assertThat(dir.resolve("fresh")).as("a run that stopped at its config builds no archive").isEmptyDirectory();
  }

  @Test
  void aBadConfigIsOneLinePerErrorAndExitTwo(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("certs.yaml");
    Files.writeString(cfg, "acme: {directory: pebble}\n");

    Result r = run("--config", cfg.toString(), "check");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines()).allMatch(l -> l.startsWith(cfg + ":")).hasSizeGreaterThan(2);
  }
}
