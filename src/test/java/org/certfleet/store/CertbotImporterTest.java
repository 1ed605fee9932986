package org.certfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.certfleet.cert.CertName;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.testing.CertbotTree;
import org.certfleet.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertbotImporterTest {
  static final TestCertificates CA = TestCertificates.ca("certfleet test CA");
  @TempDir Path certbot;
  @TempDir Path state;

  static List<CertificateBundle> lineage(Path certbot, String name, int versions, int current) throws IOException {
    return CertbotTree.lineage(CA, certbot, name, versions, current);
  }

  @Test
  void importsEveryVersionKeepsNumbersAndTheLiveOne() throws IOException {
    List<CertificateBundle> media = lineage(certbot, "media.hachyderm.io", 3, 2);
    lineage(certbot, "hachyderm.io", 1, 1);

    List<CertbotImporter.Result> results;
    try (StoreLock lock = StoreLock.acquire(state, Clock.systemUTC())) {
      results = new CertbotImporter(lock).importLineages(certbot, List.of());
    }

    assertThat(results).extracting(CertbotImporter.Result::name, CertbotImporter.Result::versions,
        CertbotImporter.Result::current, CertbotImporter.Result::error).containsExactly(
            org.assertj.core.groups.Tuple.tuple("hachyderm.io", List.of(1), 1, null),
            org.assertj.core.groups.Tuple.tuple("media.hachyderm.io", List.of(1, 2, 3), 2, null));
    Lineage lineage = FileCertificateStore.readOnly(state).find(new CertName("media.hachyderm.io")).orElseThrow();
    assertThat(lineage.version()).isEqualTo(2);
    assertThat(lineage.versions()).containsExactly(1, 2, 3);
    assertThat(lineage.facts().sha256()).isEqualTo(media.get(1).facts().sha256());
    assertThat(Files.readAllBytes(state.resolve("archive/media.hachyderm.io/privkey3.pem"))).isEqualTo(media.get(2).privkeyPem());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("archive/media.hachyderm.io/privkey1.pem"))))
        .isEqualTo("rw-------");
  }

  @Test
  void aBrokenLineageIsRefusedWholeWhileOthersImport() throws IOException {
    lineage(certbot, "media.hachyderm.io", 2, 2);
    lineage(certbot, "files.hachyderm.io", 2, 2);
    // Version 1's key belongs to another certificate.
    Files.write(certbot.resolve("archive/files.hachyderm.io/privkey1.pem"), CA.leaf(Duration.ofDays(1), "x.example").privkeyPem());

    List<CertbotImporter.Result> results;
    try (StoreLock lock = StoreLock.acquire(state, Clock.systemUTC())) {
      results = new CertbotImporter(lock).importLineages(certbot, List.of());
    }

    assertThat(results.get(0).name()).isEqualTo("files.hachyderm.io");
    assertThat(results.get(0).error()).startsWith("files.hachyderm.io: version 1 (fullchain1.pem, privkey1.pem): the private key"
        + " does not match");
    assertThat(results.get(1).imported()).isTrue();
    assertThat(state.resolve("archive/files.hachyderm.io")).doesNotExist();
    assertThat(state.resolve("live/files.hachyderm.io")).doesNotExist();
    try (var s = Files.list(state.resolve("archive"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("media.hachyderm.io");
    }
  }

  @Test
  void anExistingLineageIsNeverOverwritten() throws IOException {
    lineage(certbot, "media.hachyderm.io", 1, 1);
    try (StoreLock lock = StoreLock.acquire(state, Clock.systemUTC())) {
      FileCertificateStore.writable(lock).save(new CertName("media.hachyderm.io"), CA.leaf(Duration.ofDays(9), "media.hachyderm.io"));
      byte[] before = Files.readAllBytes(state.resolve("live/media.hachyderm.io/privkey.pem"));

      List<CertbotImporter.Result> results = new CertbotImporter(lock).importLineages(certbot, List.of("media.hachyderm.io"));

      assertThat(results.get(0).error()).isEqualTo("media.hachyderm.io already exists in " + state + "; not overwritten");
      assertThat(Files.readAllBytes(state.resolve("live/media.hachyderm.io/privkey.pem"))).isEqualTo(before);
    }
  }

  @Test
  void aDirectoryThatIsNotCertbotsIsAnError() throws IOException {
    try (StoreLock lock = StoreLock.acquire(state, Clock.systemUTC())) {
      assertThatThrownBy(() -> new CertbotImporter(lock).importLineages(state.resolve("nope"), List.of()))
          .hasMessageEndingWith("is not a certbot directory (expected live/ and archive/ in it)");
    }
  }
}
