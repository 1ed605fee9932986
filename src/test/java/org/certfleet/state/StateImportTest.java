package org.certfleet.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.certfleet.acme.AccountRepository;
import org.certfleet.acme.OrderJournal;
import org.certfleet.alert.AlertMessage;
import org.certfleet.alert.AlertState;
import org.certfleet.alert.AlertStateStore;
import org.certfleet.alert.FileAlertStateStore;
import org.certfleet.audit.AuditEntry;
import org.certfleet.audit.AuditLog;
import org.certfleet.cert.CertName;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.config.AppConfig;
import org.certfleet.config.ConfigLoader;
import org.certfleet.renewal.StateAccountRepository;
import org.certfleet.renewal.StateOrderJournal;
import org.certfleet.store.FileCertificateStore;
import org.certfleet.store.LineageMetadata;
import org.certfleet.store.StoreLock;
import org.certfleet.testing.TestCatalogs;
import org.certfleet.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A single instance's state directory moved into the cluster database, whole, once. */
class StateImportTest {
  static final TestCertificates CA = TestCertificates.ca("certfleet import CA").intermediate("certfleet R7");
  static final CertName MEDIA = new CertName("media.hachyderm.io");
  static final CertName FILES = new CertName("files.hachyderm.io");
  static final Instant T = Instant.parse("2026-11-22T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(T, ZoneOffset.UTC);
  static final URI CA_DIR = URI.create("https://acme-v02.api.letsencrypt.org/directory");

  @TempDir Path dir;
  TestDatabase db;
  StateAccess access;
  AppConfig config;
  Path state;

  @BeforeEach
  void start() throws Exception {
    db = TestDatabase.create();
    state = dir.resolve("state");
    Path file = dir.resolve("certs.yaml");
    Files.writeString(file, """
        acme: {directory: "%s", email: ops@hachyderm.io, agree-to-terms: true}
        dns:
          providers:
            - {name: r, type: exec, options: {command: /bin/false}}
        certificates:
          - {name: media.hachyderm.io, domains: [media.hachyderm.io], dns-provider: r, deploy-to: []}
          - {name: files.hachyderm.io, domains: [files.hachyderm.io], dns-provider: r, deploy-to: []}
        nodes: []
        state: {dir: "%s"}
        cluster:
          jdbc-url: "%s"
          user: %s
          password: ${env:CERTFLEET_DB_PASSWORD}
          encryption-key: ${env:CERTFLEET_STATE_KEY}
        """.formatted(CA_DIR, state, db.db.jdbcUrl(), db.db.user()));
    config = new ConfigLoader(TestCatalogs.dns(), TestCatalogs.channels()).load(file);
    access = new StateAccess(db.secrets(java.util.Base64.getEncoder().encodeToString(KeyCipherTest.randomKey())), CLOCK,
        d -> Thread.sleep(d.toMillis()));
  }

  @AfterEach
  void stop() {
    access.close();
    db.close();
  }

  @Test
  void certbotLineagesGoIntoTheDatabaseWithTheirVersionsUnderTheCertificateLock() throws Exception {
    Path certbot = dir.resolve("letsencrypt");
    List<CertificateBundle> media = org.certfleet.testing.CertbotTree.lineage(CA, certbot, MEDIA.value(), 3, 2);
    org.certfleet.testing.CertbotTree.lineage(CA, certbot, FILES.value(), 1, 1);
    StateStores target = access.of(config);

    List<org.certfleet.store.CertbotImporter.Result> first;
    try (org.certfleet.store.CertificateLocks.Held busy = target.locks().tryLock(FILES).orElseThrow()) {
      first = StateImport.certbot(config, certbot, List.of(), access);
    }

    assertThat(first).extracting(r -> r.name() + " " + r.imported()).containsExactly(
        "files.hachyderm.io false", "media.hachyderm.io true");
    assertThat(first.get(0).error()).contains("another certfleet instance is working on it");
    assertThat(first.get(1).versions()).containsExactly(1, 2, 3);
    assertThat(target.reader().find(MEDIA).orElseThrow().version()).as("certbot's live version").isEqualTo(2);
    assertThat(target.reader().find(FILES)).as("refused while locked: nothing written").isEmpty();
    for (int v = 1; v <= 3; v++) {
      CertificateBundle loaded = target.reader().load(MEDIA, v);
      assertThat(loaded.facts().sha256()).isEqualTo(media.get(v - 1).facts().sha256());
      assertThat(CertificateBundle.matches(loaded.privateKey(), media.get(v - 1).leaf().getPublicKey()))
          .as("version " + v + "'s key").isTrue();
    }
    assertThat(state).as("nothing in the state directory").doesNotExist();

    List<org.certfleet.store.CertbotImporter.Result> again = StateImport.certbot(config, certbot, List.of(), access);
    assertThat(again).extracting(r -> r.name() + " " + r.imported()).containsExactly(
        "files.hachyderm.io true", "media.hachyderm.io false");
    assertThat(again.get(1).error()).contains("already in the shared database; not merged");
    assertThat(target.reader().versions(MEDIA)).containsExactly(1, 2, 3);
  }

  @Test
  void everythingMovesOnceWithVersionNumbersAndKeys() throws Exception {
    CertificateBundle m1 = CA.leaf(Duration.ofDays(90), "media.hachyderm.io");
    CertificateBundle m2 = CA.leaf(Duration.ofDays(90), "media.hachyderm.io");
    CertificateBundle m3 = CA.leaf(Duration.ofDays(90), "media.hachyderm.io");
    LineageMetadata meta = LineageMetadata.empty(MEDIA.value())
        .withDeployed("sally", new LineageMetadata.Deployed(2, "ab", "cd", T));
    var accountKey = TestCertificates.ecP256();
    var orderKey = TestCertificates.ecP256();
    try (StoreLock lock = StoreLock.acquire(state, CLOCK)) {
      FileCertificateStore files = FileCertificateStore.writable(lock);
      files.save(MEDIA, m1);
      files.save(MEDIA, m2);
      files.saveSuccessor(MEDIA, m3);
      files.writeMetadata(meta);
      files.save(FILES, CA.leaf(Duration.ofDays(90), "files.hachyderm.io"));
    }
    new StateAccountRepository(state).save(CA_DIR, new AccountRepository.StoredAccount(accountKey,
        URI.create("https://acme-v02.api.letsencrypt.org/acme/acct/9").toURL()));
    new StateOrderJournal(state).record(FILES, new OrderJournal.PendingOrder(
        URI.create("https://acme-v02.api.letsencrypt.org/acme/order/9/1").toURL(), orderKey));
    try (AlertStateStore.Lock l = new FileAlertStateStore(state, CLOCK, d -> Thread.sleep(d.toMillis())).lock(Duration.ofSeconds(5))) {
      AlertState s = new AlertState();
      AlertState.Queued q = new AlertState.Queued();
      q.message = new AlertMessage("expiry:x", "critical", "x expires", List.of());
      q.channels.add("discord");
      s.outbox.add(q);
      l.save(s);
    }
    AuditEntry e = new AuditEntry(T, "upload", "media.hachyderm.io", "sally", "/etc/ssl/x.pem", null, "serial ab", null, "ok");
    AuditLog.inStateDir(state).append(e);

    List<StateImport.Item> items = StateImport.run(config, state, access, CLOCK);

    assertThat(items).allSatisfy(i -> assertThat(i.ok()).as(i.toString()).isTrue());
    assertThat(items).extracting(StateImport.Item::what).containsExactly("lineage files.hachyderm.io",
        "lineage media.hachyderm.io", "ACME account at " + CA_DIR, "pending order of files.hachyderm.io", "alert state",
        "audit log");
    StateStores shared = access.of(config);
    var media = shared.reader().find(MEDIA).orElseThrow();
    assertThat(media.version()).isEqualTo(2);
    assertThat(media.versions()).containsExactly(1, 2, 3);
    assertThat(shared.reader().load(MEDIA, 3).leaf()).isEqualTo(m3.leaf());
    assertThat(TestCertificates.sameKey(shared.reader().load(MEDIA, 1).privateKey(), m1.privateKey())).isTrue();
    assertThat(shared.reader().metadata(MEDIA)).isEqualTo(meta);
    assertThat(TestCertificates.sameKey(shared.accounts().load(CA_DIR).orElseThrow().keyPair().getPrivate(),
        accountKey.getPrivate())).isTrue();
    assertThat(shared.orders().pending(FILES).orElseThrow().keyPair()).isNotNull();
    try (AlertStateStore.Lock l = shared.alertState().lock(Duration.ofSeconds(5))) {
      assertThat(l.load().outbox).singleElement().satisfies(q -> assertThat(q.message.key()).isEqualTo("expiry:x"));
    }
    assertThat(shared.audit().read()).containsExactly(e);

    // Again: nothing is merged or duplicated, and the new writes of the cluster are not overwritten.
    shared.writer().store().save(MEDIA, CA.leaf(Duration.ofDays(90), "media.hachyderm.io"));
    List<StateImport.Item> again = StateImport.run(config, state, access, CLOCK);
    assertThat(again).filteredOn(StateImport.Item::ok).extracting(StateImport.Item::what).isEmpty();
    assertThat(shared.reader().find(MEDIA).orElseThrow().versions()).containsExactly(1, 2, 3, 4);
    assertThat(shared.audit().read()).hasSize(1);
    assertThat(FileCertificateStore.readOnly(state).find(MEDIA).orElseThrow().version()).as("the source is untouched")
        .isEqualTo(2);
  }
}
