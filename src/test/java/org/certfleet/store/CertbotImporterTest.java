package org.certfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.certfleet.cert.CertName;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.testing.CertbotTree;
import org.certfleet.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CertbotImporterTest {
  static final TestCertificates CA = TestCertificates.ca("certfleet test CA").intermediate("certfleet test R1");
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
  static final CertName MEDIA = new CertName("media.hachyderm.io");

  @TempDir Path certbot;
  @TempDir Path tmp;
  Path state;
  StoreLock lock;

  @BeforeEach
  void lock() throws IOException {
    state = tmp.resolve("state");
    lock = StoreLock.acquire(state, CLOCK);
  }

  @AfterEach
  void unlock() throws IOException {
    lock.close();
  }

  static List<CertificateBundle> lineage(Path certbot, String name, int versions, int current) throws IOException {
    return CertbotTree.lineage(CA, certbot, name, versions, current);
  }

  List<CertbotImporter.Result> importAll(String... names) throws IOException {
    return new CertbotImporter(lock).importLineages(certbot, List.of(names));
  }

  @Test
  void importsEveryVersionByteForByteKeepsNumbersAndTheLiveOne() throws IOException {
    lineage(certbot, "media.hachyderm.io", 3, 2);
    lineage(certbot, "hachyderm.io", 1, 1);

    List<CertbotImporter.Result> results = importAll();

    assertThat(results).extracting(CertbotImporter.Result::name, CertbotImporter.Result::versions,
        CertbotImporter.Result::current, CertbotImporter.Result::error).containsExactly(
            tuple("hachyderm.io", List.of(1), 1, null),
            tuple("media.hachyderm.io", List.of(1, 2, 3), 2, null));
    Path src = certbot.resolve("archive/media.hachyderm.io");
    Path archive = state.resolve("archive/media.hachyderm.io");
    Path live = state.resolve("live/media.hachyderm.io");
    for (int v = 1; v <= 3; v++) {
      for (PemFile f : PemFile.values()) {
        assertThat(Files.readAllBytes(archive.resolve(f.archiveName(v)))).as(f.archiveName(v))
            .isEqualTo(Files.readAllBytes(src.resolve(f.archiveName(v))));
        assertThat(mode(archive.resolve(f.archiveName(v)))).as(f.archiveName(v))
            .isEqualTo(f.isPrivate() ? "rw-------" : "rw-r--r--");
      }
    }
    for (PemFile f : PemFile.values()) {
      assertThat(Files.readSymbolicLink(live.resolve(f.liveName())))
          .isEqualTo(Path.of("../../archive/media.hachyderm.io/" + f.archiveName(2)));
    }
    for (Path dir : List.of(state.resolve("archive"), archive, state.resolve("live"), live)) {
      assertThat(mode(dir)).as(dir.toString()).isEqualTo("rwx------");
    }
    try (Stream<Path> s = Files.list(archive)) {
      assertThat(s.map(p -> p.getFileName().toString())).as("no marker, no README, nothing else").hasSize(12)
          .allMatch(n -> n.matches("(cert|chain|fullchain|privkey)[123]\\.pem"));
    }
    FileCertificateStore store = FileCertificateStore.writable(lock);
    Lineage lineage = store.find(MEDIA).orElseThrow();
    assertThat(lineage.version()).isEqualTo(2);
    assertThat(lineage.versions()).containsExactly(1, 2, 3);
    assertThat(store.save(MEDIA, CA.leaf(Duration.ofDays(90), "media.hachyderm.io")).version())
        .as("history continues above certbot's highest").isEqualTo(4);
  }

  @Test
  void importsOnlyTheNamesAsked() throws IOException {
    lineage(certbot, "media.hachyderm.io", 1, 1);
    lineage(certbot, "hachyderm.io", 1, 1);

    assertThat(importAll("hachyderm.io")).extracting(CertbotImporter.Result::name).containsExactly("hachyderm.io");
    assertThat(state.resolve("archive/media.hachyderm.io")).doesNotExist();
  }

  @Test
  void aBrokenVersionRefusesItsWholeLineageNamingTheFileWhileOthersImport() throws IOException {
    lineage(certbot, "media.hachyderm.io", 2, 2);
    lineage(certbot, "files.hachyderm.io", 2, 2);
    Path privkey1 = certbot.resolve("archive/files.hachyderm.io/privkey1.pem");
    Files.write(privkey1, CA.leaf(Duration.ofDays(1), "x.example").privkeyPem());

    List<CertbotImporter.Result> results = importAll();

    assertThat(results.get(0).name()).isEqualTo("files.hachyderm.io");
    assertThat(results.get(0).error()).startsWith("files.hachyderm.io: version 1 ("
        + certbot.resolve("archive/files.hachyderm.io/fullchain1.pem") + ", privkey1.pem): the private key does not match");
    assertThat(results.get(0).versions()).isEmpty();
    assertThat(results.get(1).imported()).isTrue();
    assertNoTraceOf("files.hachyderm.io");
  }

  @Test
  void refusesMissingFilesCertsThatDisagreeWithFullchainAndMixedLiveLinks() throws IOException {
    lineage(certbot, "a.hachyderm.io", 2, 2);
    Path missing = certbot.resolve("archive/a.hachyderm.io/chain2.pem");
    Files.delete(missing);
    List<CertificateBundle> b = lineage(certbot, "b.hachyderm.io", 2, 2);
    // Re-issued for the same key, so it matches privkey1.pem, but it is not fullchain1.pem's leaf.
    KeyPair key1 = new KeyPair(b.get(0).leaf().getPublicKey(), b.get(0).privateKey());
    Files.write(certbot.resolve("archive/b.hachyderm.io/cert1.pem"),
        CA.leaf(key1, Instant.now(), Duration.ofDays(90), "b.hachyderm.io").certPem());
    lineage(certbot, "c.hachyderm.io", 2, 2);
    Path chainLink = certbot.resolve("live/c.hachyderm.io/chain.pem");
    Files.delete(chainLink);
    Files.createSymbolicLink(chainLink, Path.of("../../archive/c.hachyderm.io/chain1.pem"));
    lineage(certbot, "d.hachyderm.io", 1, 1);
    Files.delete(certbot.resolve("live/d.hachyderm.io/cert.pem"));
    Files.copy(certbot.resolve("archive/d.hachyderm.io/cert1.pem"), certbot.resolve("live/d.hachyderm.io/cert.pem"));

    List<CertbotImporter.Result> results = importAll();

    assertThat(results).extracting(CertbotImporter.Result::error).containsExactly(
        "a.hachyderm.io: version 2: " + missing + " does not exist",
        "b.hachyderm.io: version 1 (" + certbot.resolve("archive/b.hachyderm.io/cert1.pem") + ", chain1.pem): not the same"
            + " certificates as fullchain1.pem",
        "c.hachyderm.io: certbot's live links point to different versions {cert.pem=2, chain.pem=1, fullchain.pem=2, privkey.pem=2};"
            + " fix the certbot lineage first",
        "d.hachyderm.io: " + certbot.resolve("live/d.hachyderm.io/cert.pem") + " is not a symlink into archive/, so"
            + " certbot's live version is unknown");
    for (String n : List.of("a", "b", "c", "d")) {
      assertNoTraceOf(n + ".hachyderm.io");
    }
  }

  @Test
  void anInvalidNameIsRefusedAndTheOthersCarryOn() throws IOException {
    lineage(certbot, "media.hachyderm.io", 1, 1);
    Files.createDirectories(certbot.resolve("live/Media_Upper"));

    List<CertbotImporter.Result> results = importAll();

    assertThat(results).extracting(CertbotImporter.Result::name, CertbotImporter.Result::imported)
        .containsExactly(tuple("Media_Upper", false), tuple("media.hachyderm.io", true));
    assertThat(results.get(0).error()).startsWith("\"Media_Upper\" is not a valid certificate name");
  }

  @Test
  void anExistingLineageIsNeverOverwritten() throws IOException {
    lineage(certbot, "media.hachyderm.io", 1, 1);
    FileCertificateStore.writable(lock).save(MEDIA, CA.leaf(Duration.ofDays(9), "media.hachyderm.io"));
    byte[] before = Files.readAllBytes(state.resolve("live/media.hachyderm.io/privkey.pem"));

    List<CertbotImporter.Result> results = importAll("media.hachyderm.io");

    assertThat(results.get(0).error()).isEqualTo("media.hachyderm.io already exists in " + state + "; not overwritten");
    assertThat(Files.readAllBytes(state.resolve("live/media.hachyderm.io/privkey.pem"))).isEqualTo(before);
  }

  @ParameterizedTest
  @EnumSource(ImportStep.class)
  void aFailureAtAnyStepImportsNothingAndTheImportCanBeRepeated(ImportStep failing) throws IOException {
    lineage(certbot, "media.hachyderm.io", 2, 2);
    CertbotImporter failingImporter = new CertbotImporter(lock, step -> {
      if (step == failing) {
        throw new IOException("injected at " + step);
      }
    });

    List<CertbotImporter.Result> results = failingImporter.importLineages(certbot, List.of());

    assertThat(results.get(0).error())
        .isEqualTo("media.hachyderm.io: import failed at " + failing + ", nothing imported: injected at " + failing);
    assertNoTraceOf("media.hachyderm.io");
    assertThat(importAll().get(0).imported()).isTrue();
  }

  @Test
  void anInterruptedImportIsRemovedWholeWhenTheStoreIsNextOpenedForWriting() throws IOException {
    List<CertificateBundle> versions = lineage(certbot, "media.hachyderm.io", 2, 2);
    // What an importer killed after MOVE_LIVE leaves, plus a staging directory of another one.
    Path archive = Files.createDirectories(state.resolve("archive/media.hachyderm.io"));
    for (PemFile f : PemFile.values()) {
      Files.write(archive.resolve(f.archiveName(1)), f.render(versions.get(0)));
      Files.write(archive.resolve(f.archiveName(2)), f.render(versions.get(1)));
    }
    Files.writeString(archive.resolve(".importing"), "import from " + certbot);
    Path live = Files.createDirectories(state.resolve("live/media.hachyderm.io"));
    for (PemFile f : PemFile.values()) {
      Files.createSymbolicLink(live.resolve(f.liveName()), Path.of("../../archive/media.hachyderm.io/" + f.archiveName(2)));
    }
    Path staging = Files.createDirectories(state.resolve("archive/.import-hachyderm.io-123"));
    Files.write(staging.resolve("privkey1.pem"), versions.get(0).privkeyPem());

    FileCertificateStore.writable(lock);

    assertNoTraceOf("media.hachyderm.io");
    assertThat(importAll().get(0).imported()).isTrue();
  }

  @Test
  void aDirectoryThatIsNotCertbotsIsAnError() {
    assertThatThrownBy(() -> new CertbotImporter(lock).importLineages(tmp.resolve("nope"), List.of()))
        .hasMessage(tmp.resolve("nope") + " is not a certbot directory (expected live/ and archive/ in it)");
  }

  private void assertNoTraceOf(String name) throws IOException {
    assertThat(state.resolve("archive").resolve(name)).doesNotExist();
    assertThat(state.resolve("live").resolve(name)).doesNotExist();
    for (String root : List.of("archive", "live")) {
      if (Files.isDirectory(state.resolve(root))) {
        try (Stream<Path> s = Files.list(state.resolve(root))) {
          assertThat(s.map(p -> p.getFileName().toString())).as(root).noneMatch(n -> n.startsWith("."));
        }
      }
    }
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }
}
