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
    Process p = new ProcessBuilder("src/main/sh/certfleet", "--config", dir.resolve("missing.yaml").toString(), "check")
        .redirectErrorStream(true).start();
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

  @Test
  void theLauncherKeepsAClassDataArchivePerCommandThatLaterRunsMapWithTheSameOutput(@TempDir Path dir)
      throws Exception {
    Path cache = dir.resolve("cache");
    Path loaded = dir.resolve("loaded.txt");

    Result bad = launch(cache, null, "--config", dir.resolve("missing.yaml").toString(), "check");
    assertThat(bad.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(cache).isEmptyDirectory();

    Result first = launch(cache, null, "--json", "--config", "certs.yaml", "check");
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(new ObjectMapper().readTree(first.out())).isNotNull();
    List<Path> archives;
    try (var files = Files.list(cache)) {
      archives = files.toList();
    }
    assertThat(archives).singleElement().satisfies(a -> assertThat(a.getFileName().toString()).matches("check-\\d+\\.jsa"));

    // JAVA_TOOL_OPTIONS is not part of the archive's name, so this run maps the same archive.
    Result second = launch(cache, "-Xlog:class+load=info:file=" + loaded, "--json", "--config", "certs.yaml", "check");
    assertThat(second.code()).as(second.err()).isZero();
    assertThat(second.out()).isEqualTo(first.out());
    assertThat(Files.readString(loaded)).contains("org.certfleet.cli.CheckCommand source: shared objects file (top)");
    try (var files = Files.list(cache)) {
      assertThat(files.toList()).isEqualTo(archives);
    }
  }

  static Result launch(Path cache, String javaToolOptions, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("src/main/sh/certfleet"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("CERTFLEET_CACHE_DIR", cache.toString());
    pb.environment().remove("CERTFLEET_CDS");
    pb.environment().remove("CERTFLEET_JAVA_OPTS");
    if (javaToolOptions != null) {
      pb.environment().put("JAVA_TOOL_OPTIONS", javaToolOptions);
    }
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
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
