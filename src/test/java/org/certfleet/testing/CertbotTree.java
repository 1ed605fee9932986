package org.certfleet.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.certfleet.cert.CertificateBundle;

/** Writes certbot-shaped config directories: {@code archive/<name>/*N.pem} and relative {@code live/} links. */
public final class CertbotTree {
  private CertbotTree() {}

  /** A lineage with {@code versions} versions signed by {@code ca}, live pointing at {@code current}. */
  public static List<CertificateBundle> lineage(TestCertificates ca, Path certbot, String name, int versions, int current)
      throws IOException {
    Path archive = Files.createDirectories(certbot.resolve("archive").resolve(name));
    Path live = Files.createDirectories(certbot.resolve("live").resolve(name));
    List<CertificateBundle> out = new ArrayList<>();
    for (int v = 1; v <= versions; v++) {
      CertificateBundle b = ca.leaf(Duration.ofDays(90), name);
      Files.write(archive.resolve("cert" + v + ".pem"), b.certPem());
      Files.write(archive.resolve("chain" + v + ".pem"), b.chainPem());
      Files.write(archive.resolve("fullchain" + v + ".pem"), b.fullchainPem());
      Files.write(archive.resolve("privkey" + v + ".pem"), b.privkeyPem());
      out.add(b);
    }
    for (String kind : List.of("cert", "chain", "fullchain", "privkey")) {
      Files.createSymbolicLink(live.resolve(kind + ".pem"), Path.of("../../archive/" + name + "/" + kind + current + ".pem"));
    }
    Files.writeString(live.resolve("README"), "certbot's README");
    return out;
  }
}
