package org.certfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.certfleet.cert.CertName;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FileCertificateStoreTest {
  static final TestCertificates CA = TestCertificates.ca("certfleet test CA");
  static final CertName MEDIA = new CertName("media.hachyderm.io");
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

  @TempDir Path state;
  StoreLock lock;

  @BeforeEach
  void lock() throws IOException {
    lock = StoreLock.acquire(state, CLOCK);
  }

  @AfterEach
  void unlock() throws IOException {
    lock.close();
  }

  static CertificateBundle bundle() {
    return CA.leaf(Duration.ofDays(90), "media.hachyderm.io");
  }

  /** Every file below live/, resolved through its link, with its bytes. */
  private Map<String, byte[]> liveContent() throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    for (String kind : FileCertificateStore.KINDS) {
      out.put(kind, Files.readAllBytes(state.resolve("live/media.hachyderm.io/" + kind + ".pem")));
    }
    return out;
  }

  @Test
  void savesVersionsInCertbotLayoutWithRelativeLinksAndPrivateModes() throws IOException {
    FileCertificateStore store = FileCertificateStore.writable(lock);
    CertificateBundle first = bundle();
    CertificateBundle second = bundle();

    store.save(MEDIA, first);
    Lineage lineage = store.save(MEDIA, second);

    assertThat(lineage.version()).isEqualTo(2);
    assertThat(lineage.versions()).containsExactly(1, 2);
    assertThat(lineage.facts().sha256()).isEqualTo(second.facts().sha256());
    Path live = state.resolve("live/media.hachyderm.io");
    for (String kind : FileCertificateStore.KINDS) {
      assertThat(Files.readSymbolicLink(live.resolve(kind + ".pem")))
          .isEqualTo(Path.of("../../archive/media.hachyderm.io/" + kind + "2.pem"));
    }
    assertThat(Files.readAllBytes(live.resolve("privkey.pem"))).isEqualTo(second.privkeyPem());
    assertThat(Files.readAllBytes(state.resolve("archive/media.hachyderm.io/fullchain1.pem"))).isEqualTo(first.fullchainPem());
    assertThat(mode(state.resolve("archive/media.hachyderm.io/privkey2.pem"))).isEqualTo("rw-------");
    assertThat(mode(state.resolve("archive/media.hachyderm.io/cert2.pem"))).isEqualTo("rw-r--r--");
    for (String dir : List.of("", "archive", "archive/media.hachyderm.io", "live", "live/media.hachyderm.io")) {
      assertThat(mode(state.resolve(dir))).as(dir).isEqualTo("rwx------");
    }
    assertThat(mode(state.resolve("lock"))).isEqualTo("rw-------");
  }

  @ParameterizedTest
  @EnumSource(SaveStep.class)
  void aFailureBeforeAnyStepLeavesThePreviousVersionLiveByteForByte(SaveStep failAt) throws IOException {
    FileCertificateStore.writable(lock).save(MEDIA, bundle());
    Map<String, byte[]> before = liveContent();
    FileCertificateStore failing = FileCertificateStore.writable(lock, step -> {
      if (step == failAt) {
        throw new IOException("injected at " + step);
      }
    });

    assertThatThrownBy(() -> failing.save(MEDIA, bundle()))
        .isInstanceOf(IOException.class)
        .hasMessage("media.hachyderm.io: saving version 2 failed, version 1 stays live: injected at " + failAt);

    Map<String, byte[]> after = liveContent();
    for (String kind : FileCertificateStore.KINDS) {
      assertThat(after.get(kind)).as(kind).isEqualTo(before.get(kind));
    }
    assertThat(failing.find(MEDIA).orElseThrow().version()).isEqualTo(1);
    assertThat(strayFiles()).isEmpty();
    // Still usable: the next save is a clean version 2.
    assertThat(FileCertificateStore.writable(lock).save(MEDIA, bundle()).version()).isEqualTo(2);
  }

  @Test
  void aFailureOnTheFirstSaveLeavesNoLineage() throws IOException {
    FileCertificateStore failing = FileCertificateStore.writable(lock, step -> {
      if (step == SaveStep.SWITCH_FULLCHAIN) {
        throw new IOException("disk full");
      }
    });

    assertThatThrownBy(() -> failing.save(MEDIA, bundle())).hasMessageContaining("version (none) stays live");

    assertThat(failing.find(MEDIA)).isEmpty();
    assertThat(failing.list()).isEmpty();
    assertThat(strayFiles()).isEmpty();
  }

  @Test
  void aCrashMidSwitchIsRolledBackWhenTheStoreIsNextOpenedForWriting() throws IOException {
    FileCertificateStore store = FileCertificateStore.writable(lock);
    store.save(MEDIA, bundle());
    Map<String, byte[]> before = liveContent();
    // What a writer killed after switching two links leaves behind.
    CertificateBundle next = bundle();
    Path archive = state.resolve("archive/media.hachyderm.io");
    Files.write(archive.resolve("cert2.pem"), next.certPem());
    Files.write(archive.resolve("chain2.pem"), next.chainPem());
    Files.write(archive.resolve("fullchain2.pem"), next.fullchainPem());
    Files.write(archive.resolve("privkey2.pem"), next.privkeyPem());
    Files.write(archive.resolve(".privkey2.pem.tmp-abc"), next.privkeyPem());
    Path live = state.resolve("live/media.hachyderm.io");
    Files.writeString(live.resolve(".switch"), "1 2");
    for (String kind : List.of("cert", "chain")) {
      Files.delete(live.resolve(kind + ".pem"));
      Files.createSymbolicLink(live.resolve(kind + ".pem"), Path.of("../../archive/media.hachyderm.io/" + kind + "2.pem"));
    }
    assertThat(FileCertificateStore.readOnly(state).find(MEDIA).orElseThrow().version()).as("mixed before repair").isEqualTo(2);

    FileCertificateStore repaired = FileCertificateStore.writable(lock);

    assertThat(repaired.find(MEDIA).orElseThrow().version()).isEqualTo(1);
    Map<String, byte[]> after = liveContent();
    for (String kind : FileCertificateStore.KINDS) {
      assertThat(after.get(kind)).as(kind).isEqualTo(before.get(kind));
    }
    assertThat(strayFiles()).isEmpty();
    assertThat(repaired.versions(MEDIA)).containsExactly(1);
  }

  @Test
  void readOnlyStoresRefuseToWrite() throws IOException {
    FileCertificateStore.writable(lock).save(MEDIA, bundle());
    FileCertificateStore ro = FileCertificateStore.readOnly(state);

    assertThat(ro.list()).extracting(l -> l.name().value()).containsExactly("media.hachyderm.io");
    assertThatThrownBy(() -> ro.save(MEDIA, bundle())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("read-only");
  }

  @Test
  void loadReturnsAnyArchivedVersion() throws IOException {
    FileCertificateStore store = FileCertificateStore.writable(lock);
    CertificateBundle first = bundle();
    store.save(MEDIA, first);
    store.save(MEDIA, bundle());

    assertThat(store.load(MEDIA, 1).facts().sha256()).isEqualTo(first.facts().sha256());
  }

  @Test
  void metadataRoundTripsAndIsPrivate() throws IOException {
    FileCertificateStore store = FileCertificateStore.writable(lock);
    LineageMetadata m = LineageMetadata.empty("media.hachyderm.io")
        .withAttempt(new LineageMetadata.RenewalAttempt(CLOCK.instant(), false, "validation", "NXDOMAIN"))
        .withNextAttemptNotBefore(CLOCK.instant().plusSeconds(600))
        .withAri(new LineageMetadata.AriWindow(CLOCK.instant(), CLOCK.instant().plusSeconds(3600), null, null))
        .withDeployed("sally", new LineageMetadata.Deployed(1, "abc", "00ff", CLOCK.instant()));

    store.writeMetadata(m);

    assertThat(store.metadata(MEDIA)).isEqualTo(m);
    assertThat(mode(state.resolve("meta/media.hachyderm.io.json"))).isEqualTo("rw-------");
    assertThat(store.metadata(new CertName("other.hachyderm.io")).attempts()).isEmpty();
  }

  @Test
  void attemptsAreBounded() {
    LineageMetadata m = LineageMetadata.empty("x.example");
    for (int i = 0; i < 30; i++) {
      m = m.withAttempt(new LineageMetadata.RenewalAttempt(CLOCK.instant().plusSeconds(i), true, null, null));
    }
    assertThat(m.attempts()).hasSize(LineageMetadata.MAX_ATTEMPTS);
    assertThat(m.attempts().get(LineageMetadata.MAX_ATTEMPTS - 1).at()).isEqualTo(CLOCK.instant().plusSeconds(29));
  }

  private List<Path> strayFiles() throws IOException {
    try (Stream<Path> s = Files.walk(state)) {
      return s.filter(p -> {
        String n = p.getFileName().toString();
        return n.contains(".tmp-") || n.equals(".switch") || n.matches("(cert|chain|fullchain|privkey)[2-9]\\.pem");
      }).toList();
    }
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
