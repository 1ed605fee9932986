package org.certfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.groups.Tuple;
import org.certfleet.cert.CertName;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.testing.TestCertificates;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CertificateStore} does, whatever it stores in: the file store and the shared
 * database store each run it through a subclass.
 */
public abstract class CertificateStoreContract {
  protected static final TestCertificates CA = TestCertificates.ca("certfleet contract CA").intermediate("certfleet R9");
  protected static final CertName MEDIA = new CertName("media.hachyderm.io");
  protected static final CertName FILES = new CertName("files.hachyderm.io");
  protected static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

  /** A store that may write (the state lock held, or the database open), empty at the start of each test. */
  protected abstract CertificateStore writable() throws IOException;

  /** A second writer on the same state, as a second instance (or a second command) would open it. */
  protected abstract CertificateStore anotherWriter() throws IOException;

  /** A reader of the same state that was not opened for writing. */
  protected abstract CertificateStore readOnly() throws IOException;

  protected static CertificateBundle bundle(CertName name) {
    return CA.leaf(Duration.ofDays(90), name.value());
  }

  private static void assertSame(CertificateBundle actual, CertificateBundle expected) {
    assertThat(actual.leaf()).isEqualTo(expected.leaf());
    assertThat(actual.chain()).isEqualTo(expected.chain());
    assertThat(TestCertificates.sameKey(actual.privateKey(), expected.privateKey())).as("same private key").isTrue();
  }

  @Test
  void savedVersionsLoadBackWhole() throws IOException {
    CertificateStore store = writable();
    CertificateBundle first = bundle(MEDIA);
    CertificateBundle second = bundle(MEDIA);

    Lineage one = store.save(MEDIA, first);
    Lineage two = store.save(MEDIA, second);

    assertThat(one.version()).isEqualTo(1);
    assertThat(two.version()).isEqualTo(2);
    assertThat(two.versions()).containsExactly(1, 2);
    assertThat(two.facts().sha256()).isEqualTo(second.facts().sha256());
    assertThat(store.versions(MEDIA)).containsExactly(1, 2);
    assertSame(store.load(MEDIA, 1), first);
    assertSame(store.load(MEDIA, 2), second);
    assertSame(store.load(store.find(MEDIA).orElseThrow()), second);
  }

  @Test
  void listsLineagesWithACurrentVersionByName() throws IOException {
    CertificateStore store = writable();
    store.save(MEDIA, bundle(MEDIA));
    store.save(MEDIA, bundle(MEDIA));
    store.save(FILES, bundle(FILES));
    CertName onlySuccessor = new CertName("next.hachyderm.io");
    store.saveSuccessor(onlySuccessor, bundle(onlySuccessor));
    store.writeMetadata(LineageMetadata.empty("never-issued.hachyderm.io"));

    assertThat(store.list()).extracting(l -> l.name().value(), Lineage::version)
        .containsExactly(Tuple.tuple("files.hachyderm.io", 1), Tuple.tuple("media.hachyderm.io", 2));
    assertThat(store.find(new CertName("nothing.example"))).isEmpty();
    assertThat(store.find(onlySuccessor)).as("stored but never made current").isEmpty();
    assertThat(store.versions(onlySuccessor)).containsExactly(1);
    assertThat(store.versions(new CertName("nothing.example"))).isEmpty();
  }

  @Test
  void loadingAVersionThatIsNotStoredNamesLineageAndVersion() throws IOException {
    CertificateStore store = writable();
    store.save(MEDIA, bundle(MEDIA));

    assertThatThrownBy(() -> store.load(MEDIA, 7)).isInstanceOf(IOException.class)
        .hasMessageStartingWith("media.hachyderm.io: version 7 is not stored");
    assertThatThrownBy(() -> store.load(FILES, 1)).isInstanceOf(IOException.class)
        .hasMessageStartingWith("files.hachyderm.io: version 1 is not stored");
  }

  @Test
  void activateSwitchesToAnyStoredVersionAndNumberingContinuesAboveTheHighest() throws IOException {
    CertificateStore store = writable();
    CertificateBundle first = bundle(MEDIA);
    store.save(MEDIA, first);
    store.save(MEDIA, bundle(MEDIA));

    Lineage back = store.activate(MEDIA, 1);

    assertThat(back.version()).isEqualTo(1);
    assertThat(back.versions()).containsExactly(1, 2);
    assertThat(back.facts().sha256()).isEqualTo(first.facts().sha256());
    assertThat(store.find(MEDIA).orElseThrow().version()).isEqualTo(1);
    assertThat(store.activate(MEDIA, 1).version()).as("activating the current version again").isEqualTo(1);
    assertThat(store.save(MEDIA, bundle(MEDIA)).version()).isEqualTo(3);
  }

  @Test
  void activatingAVersionThatIsNotStoredChangesNothing() throws IOException {
    CertificateStore store = writable();
    store.save(MEDIA, bundle(MEDIA));
    store.save(MEDIA, bundle(MEDIA));

    assertThatThrownBy(() -> store.activate(MEDIA, 4)).isInstanceOf(IOException.class)
        .hasMessageStartingWith("media.hachyderm.io: cannot activate version 4");
    assertThatThrownBy(() -> store.activate(FILES, 1)).isInstanceOf(IOException.class)
        .hasMessageStartingWith("files.hachyderm.io: cannot activate version 1");

    assertThat(store.find(MEDIA).orElseThrow().version()).isEqualTo(2);
    assertThat(store.find(FILES)).isEmpty();
  }

  @Test
  void saveSuccessorStoresTheNextVersionWithoutMakingItCurrent() throws IOException {
    CertificateStore store = writable();
    CertificateBundle first = bundle(MEDIA);
    store.save(MEDIA, first);
    CertificateBundle next = bundle(MEDIA);

    assertThat(store.saveSuccessor(MEDIA, next)).isEqualTo(2);

    Lineage current = store.find(MEDIA).orElseThrow();
    assertThat(current.version()).isEqualTo(1);
    assertThat(current.versions()).containsExactly(1, 2);
    assertThat(current.facts().sha256()).isEqualTo(first.facts().sha256());
    assertSame(store.load(MEDIA, 2), next);
    assertThat(store.activate(MEDIA, 2).facts().sha256()).isEqualTo(next.facts().sha256());
  }

  @Test
  void aReaderSeesWhatAWriterStoredButCannotWrite() throws IOException {
    CertificateStore store = writable();
    store.save(MEDIA, bundle(MEDIA));
    CertificateStore reader = readOnly();

    assertThat(reader.find(MEDIA).orElseThrow().version()).isEqualTo(1);
    assertThatThrownBy(() -> reader.save(MEDIA, bundle(MEDIA))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> reader.saveSuccessor(MEDIA, bundle(MEDIA))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> reader.activate(MEDIA, 1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> reader.writeMetadata(LineageMetadata.empty(MEDIA.value())))
        .isInstanceOf(IllegalStateException.class);
    assertThat(reader.versions(MEDIA)).containsExactly(1);
  }

  @Test
  void concurrentSavesFromTwoWritersNeverProduceTheSameVersion() throws Exception {
    CertificateStore a = writable();
    CertificateStore b = anotherWriter();
    List<CertName> names = List.of(MEDIA, FILES);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> saves = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        for (CertName n : names) {
          for (int w = 0; w < 2; w++) {
            CertificateStore s = w == 0 ? a : b;
            // Each writer alternates; every name gets three activating saves, so it always has a current version.
            boolean activate = (i + w) % 2 == 0;
            CertificateBundle bundle = bundle(n);
            saves.add(pool.submit(() -> {
              start.await();
              return activate ? s.save(n, bundle).version() : s.saveSuccessor(n, bundle);
            }));
          }
        }
      }
      start.countDown();
      for (Future<Integer> f : saves) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    for (CertName n : names) {
      assertThat(a.versions(n)).containsExactly(1, 2, 3, 4, 5, 6);
      for (int v = 1; v <= 6; v++) {
        assertThat(a.load(n, v).facts().sans()).containsExactly(n.value());
      }
      assertThat(b.find(n).orElseThrow().versions()).containsExactly(1, 2, 3, 4, 5, 6);
    }
  }

  @Test
  void metadataRoundTripsPerLineage() throws IOException {
    CertificateStore store = writable();
    LineageMetadata m = LineageMetadata.empty(MEDIA.value())
        .withAttempt(new LineageMetadata.RenewalAttempt(T, false, "acme", "NXDOMAIN"))
        .withNextAttemptNotBefore(T.plusSeconds(600))
        .withAri(new LineageMetadata.AriWindow(T, T.plusSeconds(3600), "https://ca/why", T.plusSeconds(60)))
        .withDeployed("sally", new LineageMetadata.Deployed(1, "abc", "00ff", T))
        .withDeployed("cdn-frankfurt-1", new LineageMetadata.Deployed(1, "abc", "00ff", T));

    assertThat(store.metadata(MEDIA)).isEqualTo(LineageMetadata.empty(MEDIA.value()));
    store.writeMetadata(m);
    store.save(MEDIA, bundle(MEDIA));

    assertThat(store.metadata(MEDIA)).as("a save leaves the metadata alone").isEqualTo(m);
    assertThat(readOnly().metadata(MEDIA)).isEqualTo(m);
    assertThat(store.metadata(FILES)).isEqualTo(LineageMetadata.empty(FILES.value()));
    LineageMetadata replaced = m.withoutDeployed("sally").withAri(null);
    store.writeMetadata(replaced);
    assertThat(store.metadata(MEDIA)).isEqualTo(replaced);
    assertThat(store.metadata(MEDIA).deployed()).containsOnlyKeys("cdn-frankfurt-1");
  }
}
