package org.certfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
  static final TestCertificates CA = TestCertificates.ca("certfleet test CA").intermediate("certfleet test R1");
  static final CertName MEDIA = new CertName("media.hachyderm.io");
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

  @TempDir Path tmp;
  Path state;
  StoreLock lock;

  @BeforeEach
  void lock() throws IOException {
    state = tmp.resolve("state"); // not there yet: the store creates it, with its mode
    lock = StoreLock.acquire(state, CLOCK);
  }

  @AfterEach
  void unlock() throws IOException {
    lock.close();
  }

  static CertificateBundle bundle() {
    return CA.leaf(Duration.ofDays(90), "media.hachyderm.io");
  }

  FileCertificateStore store() throws IOException {
    return FileCertificateStore.writable(lock);
  }

  static Checkpoint failAt(Enum<?> failing) {
    return step -> {
      if (step == failing) {
        throw new IOException("injected at " + step);
      }
    };
  }

  // ---- layout and modes ---------------------------------------------------------------------

  @Test
  void savesVersionsInCertbotLayoutWithRelativeLinksAndPrivateModes() throws IOException {
    FileCertificateStore store = store();
    CertificateBundle first = bundle();
    CertificateBundle second = bundle();

    store.save(MEDIA, first);
    Lineage lineage = store.save(MEDIA, second);

    assertThat(lineage.version()).isEqualTo(2);
    assertThat(lineage.versions()).containsExactly(1, 2);
    assertThat(lineage.facts().sha256()).isEqualTo(second.facts().sha256());
    assertThat(lineage.live(PemFile.FULLCHAIN)).isEqualTo(state.resolve("live/media.hachyderm.io/fullchain.pem"));
    Path live = state.resolve("live/media.hachyderm.io");
    Path archive = state.resolve("archive/media.hachyderm.io");
    for (PemFile f : PemFile.values()) {
      assertThat(Files.readSymbolicLink(live.resolve(f.liveName())))
          .isEqualTo(Path.of("../../archive/media.hachyderm.io/" + f.archiveName(2)));
      assertThat(Files.readAllBytes(live.resolve(f.liveName()))).as(f.name()).isEqualTo(f.render(second));
      assertThat(Files.readAllBytes(archive.resolve(f.archiveName(1)))).as(f.name()).isEqualTo(f.render(first));
      for (int v : List.of(1, 2)) {
        assertThat(mode(archive.resolve(f.archiveName(v)))).as(f.archiveName(v))
            .isEqualTo(f == PemFile.PRIVKEY ? "rw-------" : "rw-r--r--");
      }
    }
    store.writeMetadata(LineageMetadata.empty(MEDIA.value()));
    for (String dir : List.of("", "archive", "archive/media.hachyderm.io", "live", "live/media.hachyderm.io", "meta")) {
      assertThat(mode(state.resolve(dir))).as("<state>/" + dir).isEqualTo("rwx------");
    }
    assertThat(mode(state.resolve("lock"))).isEqualTo("rw-------");
    assertThat(mode(state.resolve("meta/media.hachyderm.io.json"))).isEqualTo("rw-------");
    assertThat(strayFiles()).isEmpty();
  }

  @Test
  void listsLineagesByNameAndLoadsAnyVersion() throws IOException {
    FileCertificateStore store = store();
    CertificateBundle first = bundle();
    store.save(MEDIA, first);
    store.save(MEDIA, bundle());
    store.save(new CertName("files.hachyderm.io"), CA.leaf(Duration.ofDays(90), "files.hachyderm.io"));
    Files.createDirectories(state.resolve("live/Not_A_Lineage"));

    assertThat(store.list()).extracting(l -> l.name().value(), Lineage::version)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("files.hachyderm.io", 1),
            org.assertj.core.groups.Tuple.tuple("media.hachyderm.io", 2));
    assertThat(store.load(MEDIA, 1).facts().sha256()).isEqualTo(first.facts().sha256());
    assertThat(store.load(store.find(MEDIA).orElseThrow()).leaf()).isEqualTo(store.load(MEDIA, 2).leaf());
    assertThat(store.find(new CertName("nothing.example"))).isEmpty();
    assertThatThrownBy(() -> store.load(MEDIA, 7))
        .hasMessageStartingWith("media.hachyderm.io: version 7 is not stored (" + state + "/archive/media.hachyderm.io/");
  }

  @Test
  void aPairThatDoesNotMatchIsRefusedBeforeAnythingIsWritten() throws IOException {
    FileCertificateStore store = store();
    CertificateBundle a = bundle();
    CertificateBundle b = bundle();

    assertThatThrownBy(() -> store.save(MEDIA, CertificateBundle.parse(a.fullchainPem(), b.privkeyPem())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not match");

    try (Stream<Path> s = Files.list(state)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("lock");
    }
  }

  // ---- failures inside the process --------------------------------------------------------

  @ParameterizedTest
  @EnumSource(SaveStep.class)
  void aFailureAtAnyStepOfASaveLeavesThePreviousVersionLiveByteForByte(SaveStep failing) throws IOException {
    store().save(MEDIA, bundle());
    Map<PemFile, byte[]> before = liveContent();
    FileCertificateStore store = FileCertificateStore.writable(lock, failAt(failing));

    assertThatThrownBy(() -> store.save(MEDIA, bundle()))
        .isInstanceOf(IOException.class)
        .hasMessage("media.hachyderm.io: saving version 2 failed at " + failing + "; version 1 stays live: injected at "
            + failing);

    assertLiveIs(1, before);
    assertThat(archiveFiles()).containsExactlyInAnyOrder("cert1.pem", "chain1.pem", "fullchain1.pem", "privkey1.pem");
    assertThat(strayFiles()).isEmpty();
    // Still usable: the next save is a clean version 2.
    CertificateBundle next = bundle();
    assertThat(store().save(MEDIA, next).version()).isEqualTo(2);
    assertThat(Files.readAllBytes(state.resolve("live/media.hachyderm.io/privkey.pem"))).isEqualTo(next.privkeyPem());
  }

  @ParameterizedTest
  @EnumSource(SaveStep.class)
  void aFailureAtAnyStepOfTheFirstSaveLeavesNoTrace(SaveStep failing) throws IOException {
    FileCertificateStore store = FileCertificateStore.writable(lock, failAt(failing));

    assertThatThrownBy(() -> store.save(MEDIA, bundle())).hasMessageContaining("failed at " + failing + "; no version is live");

    assertThat(store.find(MEDIA)).isEmpty();
    assertThat(state.resolve("archive/media.hachyderm.io")).doesNotExist();
    assertThat(state.resolve("live/media.hachyderm.io")).doesNotExist();
    assertThat(strayFiles()).isEmpty();
    assertThat(store().save(MEDIA, bundle()).version()).isEqualTo(1);
  }

  @Test
  void anUncheckedFailureIsRolledBackToo() throws IOException {
    store().save(MEDIA, bundle());
    Map<PemFile, byte[]> before = liveContent();
    FileCertificateStore store = FileCertificateStore.writable(lock, step -> {
      if (step == SaveStep.SWITCH_FULLCHAIN) {
        throw new UncheckedIOException(new IOException("disk vanished"));
      }
    });

    assertThatThrownBy(() -> store.save(MEDIA, bundle())).hasMessageEndingWith("version 1 stays live: java.io.IOException: disk vanished");

    assertLiveIs(1, before);
    assertThat(strayFiles()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(value = SaveStep.class, names = {"WRITE_INTENT", "SWITCH_CERT", "SWITCH_CHAIN", "SWITCH_FULLCHAIN",
      "SWITCH_PRIVKEY", "CLEAR_INTENT"})
  void aFailedActivationKeepsTheCurrentVersionAndDeletesNothing(SaveStep failing) throws IOException {
    store().save(MEDIA, bundle());
    store().save(MEDIA, bundle());
    Map<PemFile, byte[]> before = liveContent();
    FileCertificateStore store = FileCertificateStore.writable(lock, failAt(failing));

    assertThatThrownBy(() -> store.activate(MEDIA, 1))
        .hasMessage("media.hachyderm.io: activating version 1 failed at " + failing + "; version 2 stays live: injected at "
            + failing);

    assertLiveIs(2, before);
    assertThat(store.versions(MEDIA)).containsExactly(1, 2);
    assertThat(strayFiles()).isEmpty();
  }

  @Test
  void activateSwitchesBackToAnEarlierVersion() throws IOException {
    FileCertificateStore store = store();
    CertificateBundle first = bundle();
    store.save(MEDIA, first);
    store.save(MEDIA, bundle());

    Lineage lineage = store.activate(MEDIA, 1);

    assertThat(lineage.version()).isEqualTo(1);
    assertThat(lineage.facts().sha256()).isEqualTo(first.facts().sha256());
    assertThat(liveContent().get(PemFile.PRIVKEY)).isEqualTo(first.privkeyPem());
    assertThat(store.activate(MEDIA, 1).version()).as("activating the current version again").isEqualTo(1);
    assertThat(store.save(MEDIA, bundle()).version()).as("numbering continues above the highest").isEqualTo(3);
  }

  @Test
  void activateRefusesMissingIncompleteOrBrokenVersions() throws IOException {
    FileCertificateStore store = store();
    store.save(MEDIA, bundle());
    store.save(MEDIA, bundle());
    Map<PemFile, byte[]> before = liveContent();
    Path archive = state.resolve("archive/media.hachyderm.io");
    // Version 1's key replaced by someone else's: it must never become live again.
    Files.write(archive.resolve("privkey1.pem"), bundle().privkeyPem());
    Files.copy(archive.resolve("cert2.pem"), archive.resolve("cert3.pem"));

    assertThatThrownBy(() -> store.activate(MEDIA, 4))
        .hasMessage("media.hachyderm.io: cannot activate version 4: not a complete version in " + archive
            + " (complete: [1, 2])");
    assertThatThrownBy(() -> store.activate(MEDIA, 3)).hasMessageContaining("cannot activate version 3");
    assertThatThrownBy(() -> store.activate(MEDIA, 1))
        .hasMessageStartingWith("media.hachyderm.io: version 1 (" + archive.resolve("fullchain1.pem") + ", privkey1.pem):"
            + " the private key does not match");

    assertLiveIs(2, before);
  }

  @Test
  void saveSuccessorWritesTheNextVersionWithoutMovingLive() throws IOException {
    FileCertificateStore store = store();
    store.save(MEDIA, bundle());
    Map<PemFile, byte[]> before = liveContent();

    int next = store.saveSuccessor(MEDIA, bundle());

    assertThat(next).isEqualTo(2);
    assertLiveIs(1, before);
    assertThat(store.versions(MEDIA)).containsExactly(1, 2);
    assertThat(store.activate(MEDIA, 2).version()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(value = SaveStep.class, names = {"WRITE_INTENT", "WRITE_CERT", "WRITE_CHAIN", "WRITE_FULLCHAIN",
      "WRITE_PRIVKEY", "CLEAR_INTENT"})
  void aFailedSaveSuccessorLeavesNoPartialVersion(SaveStep failing) throws IOException {
    store().save(MEDIA, bundle());
    FileCertificateStore store = FileCertificateStore.writable(lock, failAt(failing));

    assertThatThrownBy(() -> store.saveSuccessor(MEDIA, bundle())).hasMessageContaining("saving version 2 failed at " + failing);

    assertThat(archiveFiles()).containsExactlyInAnyOrder("cert1.pem", "chain1.pem", "fullchain1.pem", "privkey1.pem");
    assertThat(strayFiles()).isEmpty();
  }

  // ---- crashes: what a killed writer leaves, repaired by the next writable open ---------------

  @Test
  void aCrashMidSwitchIsRolledBackWhenTheStoreIsNextOpenedForWriting() throws IOException {
    store().save(MEDIA, bundle());
    Map<PemFile, byte[]> before = liveContent();
    CertificateBundle next = bundle();
    Path archive = state.resolve("archive/media.hachyderm.io");
    Path live = state.resolve("live/media.hachyderm.io");
    writeVersion(archive, 2, next, EnumSet.allOf(PemFile.class));
    Files.write(archive.resolve(".privkey2.pem.tmp-abc"), next.privkeyPem());
    Files.writeString(archive.resolve(".intent.json"), "{\"previous\":1,\"next\":2,\"discardNext\":true}");
    pointLinks(live, 2, PemFile.CERT, PemFile.CHAIN);
    Files.createSymbolicLink(live.resolve(".fullchain.pem.tmp-abc"), Path.of("../../archive/media.hachyderm.io/fullchain2.pem"));
    assertThat(FileCertificateStore.readOnly(state).find(MEDIA).orElseThrow().version())
        .as("mixed before repair, and a read-only open repairs nothing").isEqualTo(2);

    FileCertificateStore repaired = store();

    assertLiveIs(1, before);
    assertThat(archiveFiles()).containsExactlyInAnyOrder("cert1.pem", "chain1.pem", "fullchain1.pem", "privkey1.pem");
    assertThat(strayFiles()).isEmpty();
    assertThat(repaired.save(MEDIA, bundle()).version()).isEqualTo(2);
  }

  @Test
  void aCrashWhileWritingTheNewFilesIsCleanedUp() throws IOException {
    store().save(MEDIA, bundle());
    Map<PemFile, byte[]> before = liveContent();
    Path archive = state.resolve("archive/media.hachyderm.io");
    writeVersion(archive, 2, bundle(), EnumSet.of(PemFile.CERT, PemFile.CHAIN));
    Files.writeString(archive.resolve(".intent.json"), "{\"previous\":1,\"next\":2,\"discardNext\":true}");

    FileCertificateStore repaired = store();

    assertLiveIs(1, before);
    assertThat(archiveFiles()).containsExactlyInAnyOrder("cert1.pem", "chain1.pem", "fullchain1.pem", "privkey1.pem");
    assertThat(strayFiles()).isEmpty();
    assertThat(repaired.save(MEDIA, bundle()).version()).as("no gap left by the crashed version").isEqualTo(2);
  }

  @Test
  void aCrashDuringTheFirstSaveLeavesNoLineage() throws IOException {
    Path archive = Files.createDirectories(state.resolve("archive/media.hachyderm.io"));
    Path live = Files.createDirectories(state.resolve("live/media.hachyderm.io"));
    writeVersion(archive, 1, bundle(), EnumSet.allOf(PemFile.class));
    Files.writeString(archive.resolve(".intent.json"), "{\"previous\":0,\"next\":1,\"discardNext\":true}");
    pointLinks(live, 1, PemFile.CERT);

    FileCertificateStore repaired = store();

    assertThat(repaired.find(MEDIA)).isEmpty();
    assertThat(archive).doesNotExist();
    assertThat(live).doesNotExist();
  }

  @Test
  void aCrashDuringAnActivationSwitchesBackAndKeepsBothVersions() throws IOException {
    store().save(MEDIA, bundle());
    store().save(MEDIA, bundle());
    Map<PemFile, byte[]> before = liveContent();
    Path archive = state.resolve("archive/media.hachyderm.io");
    Files.writeString(archive.resolve(".intent.json"), "{\"previous\":2,\"next\":1,\"discardNext\":false}");
    pointLinks(state.resolve("live/media.hachyderm.io"), 1, PemFile.CERT, PemFile.CHAIN, PemFile.FULLCHAIN);

    FileCertificateStore repaired = store();

    assertLiveIs(2, before);
    assertThat(repaired.versions(MEDIA)).containsExactly(1, 2);
    assertThat(strayFiles()).isEmpty();
  }

  @Test
  void anUnreadableIntentStopsTheWriterAndSaysHowToRepair() throws IOException {
    store().save(MEDIA, bundle());
    Path intent = state.resolve("archive/media.hachyderm.io/.intent.json");
    Files.writeString(intent, "{\"previous\":");

    assertThatThrownBy(this::store).hasMessageStartingWith(intent + ": the record of an interrupted write does not parse")
        .hasMessageContaining("point every live/ link at one complete version");
  }

  // ---- the lock, names, concurrency -----------------------------------------------------------

  @Test
  void writesNeedAHeldLock() throws IOException {
    FileCertificateStore writable = store();
    writable.save(MEDIA, bundle());
    FileCertificateStore ro = FileCertificateStore.readOnly(state);

    assertThat(ro.list()).extracting(l -> l.name().value()).containsExactly("media.hachyderm.io");
    assertThatThrownBy(() -> ro.save(MEDIA, bundle())).isInstanceOf(IllegalStateException.class)
        .hasMessage("store " + state + " was opened read-only; writing needs the state lock");
    assertThatThrownBy(() -> ro.writeMetadata(LineageMetadata.empty("media.hachyderm.io")))
        .isInstanceOf(IllegalStateException.class);
    lock.close();
    assertThatThrownBy(() -> writable.save(MEDIA, bundle())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("with a lock that has been released");
    assertThat(ro.find(MEDIA).orElseThrow().version()).isEqualTo(1);
  }

  @Test
  void concurrentSavesFromOneProcessNeverCollide() throws Exception {
    FileCertificateStore store = store();
    List<CertName> names = List.of(MEDIA, new CertName("files.hachyderm.io"), new CertName("hachyderm.io"));
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<Lineage>> saves = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        for (CertName n : names) {
          saves.add(pool.submit(() -> store.save(n, CA.leaf(Duration.ofDays(90), n.value()))));
        }
      }
      for (Future<Lineage> f : saves) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    for (CertName n : names) {
      Lineage l = store.find(n).orElseThrow();
      assertThat(l.versions()).containsExactly(1, 2, 3, 4);
      assertThat(l.version()).isEqualTo(4);
      for (int v = 1; v <= 4; v++) {
        assertThat(store.load(n, v).facts().sans()).containsExactly(n.value());
      }
    }
    assertThat(strayFiles()).isEmpty();
  }

  // ---- metadata -------------------------------------------------------------------------------

  @Test
  void metadataRoundTripsIsPrivateAndWritesIsoTimes() throws IOException {
    FileCertificateStore store = store();
    LineageMetadata m = LineageMetadata.empty("media.hachyderm.io")
        .withAttempt(new LineageMetadata.RenewalAttempt(CLOCK.instant(), false, "acme", "NXDOMAIN"))
        .withNextAttemptNotBefore(CLOCK.instant().plusSeconds(600))
        .withAri(new LineageMetadata.AriWindow(CLOCK.instant(), CLOCK.instant().plusSeconds(3600), "https://ca/why", null))
        .withDeployed("sally", new LineageMetadata.Deployed(1, "abc", "00ff", CLOCK.instant()))
        .withDeployed("cdn-frankfurt-1", new LineageMetadata.Deployed(1, "abc", "00ff", CLOCK.instant()));

    store.writeMetadata(m);

    assertThat(store.metadata(MEDIA)).isEqualTo(m);
    String json = Files.readString(state.resolve("meta/media.hachyderm.io.json"));
    assertThat(json).contains("\"at\" : \"2026-11-22T10:00:00Z\"", "\"nextAttemptNotBefore\" : \"2026-11-22T10:10:00Z\"");
    assertThat(json.indexOf("cdn-frankfurt-1")).as("nodes sorted").isLessThan(json.indexOf("sally"));
    assertThat(mode(state.resolve("meta/media.hachyderm.io.json"))).isEqualTo("rw-------");
    assertThat(store.metadata(new CertName("other.hachyderm.io"))).isEqualTo(LineageMetadata.empty("other.hachyderm.io"));
  }

  @Test
  void metadataFromANewerOrOlderCertfleetReads() throws IOException {
    Path meta = Files.createDirectories(state.resolve("meta")).resolve("media.hachyderm.io.json");
    Files.writeString(meta, """
        {"name": "media.hachyderm.io", "schema": 7, "future": {"x": 1},
         "attempts": [{"at": "2026-11-22T10:00:00Z", "success": false, "step": "acme", "error": "x", "retries": 3}],
         "deployed": {"sally": {"version": 2, "serial": "ab", "sha256": "00", "at": "2026-11-22T10:00:00Z", "port": 443}}}
        """);

    LineageMetadata m = store().metadata(MEDIA);

    assertThat(m.attempts()).singleElement().extracting(LineageMetadata.RenewalAttempt::step).isEqualTo("acme");
    assertThat(m.deployed().get("sally").version()).isEqualTo(2);
    assertThat(m.ari()).isNull();
    assertThat(m.lastFailure()).isNull();

    Files.writeString(meta, "{\"name\": \"media.hachyderm.io\"}");
    assertThat(store().metadata(MEDIA)).isEqualTo(LineageMetadata.empty("media.hachyderm.io"));
  }

  @Test
  void metadataOfAnotherLineageOrGarbageIsAnError() throws IOException {
    Path meta = Files.createDirectories(state.resolve("meta")).resolve("media.hachyderm.io.json");
    Files.writeString(meta, "{\"name\": \"files.hachyderm.io\"}");
    assertThatThrownBy(() -> store().metadata(MEDIA))
        .hasMessage(meta + ": holds the metadata of \"files.hachyderm.io\", not of media.hachyderm.io");

    Files.writeString(meta, "{\"name\": ");
    assertThatThrownBy(() -> store().metadata(MEDIA)).hasMessageStartingWith(meta + ": metadata does not parse: ");
  }

  @Test
  void attemptsAreBoundedButTheLastFailureIsKept() {
    LineageMetadata.RenewalAttempt failure = new LineageMetadata.RenewalAttempt(CLOCK.instant(), false, "acme", "boom");
    LineageMetadata m = LineageMetadata.empty("x.example").withAttempt(failure);
    for (int i = 1; i <= 30; i++) {
      m = m.withAttempt(new LineageMetadata.RenewalAttempt(CLOCK.instant().plusSeconds(i), true, null, null));
    }

    assertThat(m.attempts()).hasSize(LineageMetadata.MAX_ATTEMPTS).doesNotContain(failure);
    assertThat(m.attempts().get(LineageMetadata.MAX_ATTEMPTS - 1).at()).isEqualTo(CLOCK.instant().plusSeconds(30));
    assertThat(m.lastFailure()).isEqualTo(failure);
    assertThat(m.withoutDeployed("nobody")).isEqualTo(m);
  }

  @Test
  void anAriWindowThatEndsBeforeItStartsIsRefused() {
    assertThatThrownBy(() -> new LineageMetadata.AriWindow(CLOCK.instant(), CLOCK.instant().minusSeconds(1), null, null))
        .hasMessageStartingWith("ARI window ends (2026-11-22T09:59:59Z) before it starts");
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** Every live file, read through its link. */
  private Map<PemFile, byte[]> liveContent() throws IOException {
    Map<PemFile, byte[]> out = new EnumMap<>(PemFile.class);
    for (PemFile f : PemFile.values()) {
      out.put(f, Files.readAllBytes(state.resolve("live/media.hachyderm.io").resolve(f.liveName())));
    }
    return out;
  }

  private void assertLiveIs(int version, Map<PemFile, byte[]> expected) throws IOException {
    Path live = state.resolve("live/media.hachyderm.io");
    Map<PemFile, byte[]> now = liveContent();
    for (PemFile f : PemFile.values()) {
      assertThat(Files.readSymbolicLink(live.resolve(f.liveName()))).as(f.liveName())
          .isEqualTo(Path.of("../../archive/media.hachyderm.io/" + f.archiveName(version)));
      assertThat(now.get(f)).as(f.liveName()).isEqualTo(expected.get(f));
    }
    assertThat(FileCertificateStore.readOnly(state).find(MEDIA).orElseThrow().version()).isEqualTo(version);
  }

  private static void writeVersion(Path archive, int version, CertificateBundle b, EnumSet<PemFile> files) throws IOException {
    for (PemFile f : files) {
      Files.write(archive.resolve(f.archiveName(version)), f.render(b));
    }
  }

  private static void pointLinks(Path live, int version, PemFile... files) throws IOException {
    for (PemFile f : files) {
      Files.deleteIfExists(live.resolve(f.liveName()));
      Files.createSymbolicLink(live.resolve(f.liveName()), Path.of("../../archive/media.hachyderm.io/" + f.archiveName(version)));
    }
  }

  private List<String> archiveFiles() throws IOException {
    try (Stream<Path> s = Files.list(state.resolve("archive/media.hachyderm.io"))) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  /** Temp files, intents, import leftovers anywhere in the state directory. */
  private List<Path> strayFiles() throws IOException {
    try (Stream<Path> s = Files.walk(state)) {
      return s.filter(p -> {
        String n = p.getFileName().toString();
        return n.contains(".tmp-") || n.equals(".intent.json") || n.startsWith(".import") || n.equals(".switch");
      }).toList();
    }
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }
}
