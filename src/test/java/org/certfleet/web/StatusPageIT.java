package org.certfleet.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.certfleet.metrics.CertfleetMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real browser: Debian's Chromium, headless, at a phone's viewport (390 × 844 CSS
 * px, an iPhone 12-14). Needs no lab, only {@code /usr/bin/chromium} ({@code .ci/run} installs it).
 * The screenshot must contain the critical, warning and ok cell colours as pixels, which shows that the
 * page rendered with its inline CSS under its own Content-Security-Policy.
 */
class StatusPageIT {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final int WIDTH = 390;
  static final int HEIGHT = 844;
  static final long TIMEOUT_SECONDS = 90;
  /** A cell is a few hundred pixels; this many of a colour cannot be antialiasing at some border. */
  static final int MIN_PIXELS = 200;

  @TempDir Path tmp;
  StatusServer server;
  String url;

  @BeforeEach
  void serve() throws IOException {
    StatusSnapshot fleet = Fleets.fleet();
    server = StatusServer.start(new InetSocketAddress("127.0.0.1", 0), () -> fleet, new CertfleetMetrics(),
        new StatusPage());
    url = "http://127.0.0.1:" + server.address().getPort() + "/";
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void phoneScreenshotShowsTheThreeLevelsInTheirColours() throws Exception {
    Path png = tmp.resolve("status.png");

    Run run = chromium("screenshot", "--window-size=" + WIDTH + "," + HEIGHT, "--hide-scrollbars",
        "--screenshot=" + png, url);

    assertThat(png).as("no screenshot; chromium said:\n%s", run.err()).isNotEmptyFile();
    BufferedImage image = ImageIO.read(png.toFile());
    copyForHumans(png);
    assertThat(image.getWidth()).isEqualTo(WIDTH);
    assertThat(image.getHeight()).isEqualTo(HEIGHT);
    Map<String, Integer> counts = Map.of(
        "critical", count(image, StatusPage.CRITICAL_RGB),
        "warning", count(image, StatusPage.WARNING_RGB),
        "ok", count(image, StatusPage.OK_RGB));
    assertThat(counts).as("pixels per cell colour").allSatisfy((level, n) -> assertThat(n).as(level)
        .isGreaterThanOrEqualTo(MIN_PIXELS));
  }

  @Test
  void renderedDomHasEveryCertificateAndTheMarkers() throws Exception {
    Run run = chromium("dom", "--window-size=" + WIDTH + "," + HEIGHT, "--dump-dom", url);

    assertThat(run.out()).as("chromium said:\n%s", run.err())
        .contains("<title>certfleet status</title>")
        .contains("<td>media.hachyderm.io</td>", "<td>hachyderm.io</td>", "<td>files.hachyderm.io</td>")
        .contains("<th>cdn-frankfurt-1</th>", "<th>sally</th>")
        .contains("<b>CRIT</b> 2 d", "<b>WARN</b> 10 d", "<b>OK</b> 60 d", "<b>CRIT</b> expired 1 d ago");
  }

  record Run(String out, String err) {}

  /** Runs Chromium with the flags it needs here, in a fresh profile; kills it and its children after the timeout. */
  Run chromium(String name, String... args) throws IOException, InterruptedException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    assertThat(CHROMIUM).as("Debian's chromium (apt-get install chromium; .ci/run installs it)").isExecutable();
    List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(),
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + dir.resolve("profile")));
    cmd.addAll(List.of(args));
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    // Keep whatever it writes outside the profile (crash reports, NSS db) in the temp dir too.
    pb.environment().put("HOME", dir.toString());
    Process p = pb.start();
    try {
      boolean exited = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(exited).as("chromium still running after %d s; stderr:\n%s", TIMEOUT_SECONDS, read(err)).isTrue();
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    return new Run(read(out), read(err));
  }

  static int count(BufferedImage image, int rgb) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (close(image.getRGB(x, y) & 0xffffff, rgb)) {
          n++;
        }
      }
    }
    return n;
  }

  /** Within 2 per channel: rendering may round a colour, never shift it further. */
  static boolean close(int a, int b) {
    for (int shift = 0; shift <= 16; shift += 8) {
      if (Math.abs((a >> shift & 0xff) - (b >> shift & 0xff)) > 2) {
        return false;
      }
    }
    return true;
  }

  private static String read(Path p) throws IOException {
    return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
  }

  /** Leaves the screenshot in target/ for a person to look at; the temp dir is deleted. */
  private static void copyForHumans(Path png) throws IOException {
    Path target = Path.of("target", "status-page-390.png");
    if (Files.isDirectory(target.getParent())) {
      Files.copy(png, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
