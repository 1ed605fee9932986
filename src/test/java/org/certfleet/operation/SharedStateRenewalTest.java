package org.certfleet.operation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.certfleet.alert.AlertChannels;
import org.certfleet.cert.CertName;
import org.certfleet.config.AppConfig;
import org.certfleet.config.ConfigLoader;
import org.certfleet.config.SecretResolver;
import org.certfleet.db.Database;
import org.certfleet.db.Migrations;
import org.certfleet.dns.DnsProviders;
import org.certfleet.dns.exec.ExecFactory;
import org.certfleet.renewal.Outcome;
import org.certfleet.state.StateAccess;
import org.certfleet.state.StateStores;
import org.certfleet.store.FileCertificateStore;
import org.certfleet.testing.acme.AcmeFake;
import org.certfleet.testing.pg.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two certfleet instances (each its own state access and pool) on one cluster database: whichever
 * renews, the other sees the certificate, the account and the key; a certificate is ordered once even
 * when both try at the same moment; an instance with the wrong state key fails clearly and orders nothing.
 */
@Timeout(180)
class SharedStateRenewalTest {
  static final CertName MEDIA = new CertName("media.hachyderm.io");

  @TempDir Path dir;
  AcmeFake ca;
  PostgresServer.Db db;
  AppConfig config;
  final String key = randomKey();
  final List<StateAccess> instances = new ArrayList<>();

  static String randomKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  @BeforeEach
  void start() throws Exception {
    ca = AcmeFake.start(dir, Clock.systemUTC()).preValidate("media.hachyderm.io");
    db = PostgresServer.shared().newDatabase();
    Path file = dir.resolve("certs.yaml");
    Files.writeString(file, """
        acme: {directory: "%s", email: ops@hachyderm.io, agree-to-terms: true, ca-certificates: "%s"}
        dns:
          providers:
            - {name: unused, type: exec, options: {command: /bin/false}}
        certificates:
          - {name: media.hachyderm.io, domains: [media.hachyderm.io], deploy-to: []}
        nodes: []
        state: {dir: "%s"}
        cluster:
          jdbc-url: "%s"
          user: %s
          password: ${env:DB_PASSWORD}
          encryption-key: ${env:STATE_KEY}
        """.formatted(ca.directory(), ca.tlsCaFile(), dir.resolve("state"), db.jdbcUrl(), db.user()));
    config = new ConfigLoader(dns(), AlertChannels.standard()).load(file);
    try (Database d = Database.open(config.cluster(), secrets(key))) {
      new Migrations(d.dataSource()).migrate();
    }
  }

  @AfterEach
  void stop() {
    instances.forEach(StateAccess::close);
    ca.close();
  }

  DnsProviders dns() {
    return new DnsProviders(List.of(new ExecFactory(dir)));
  }

  SecretResolver secrets(String stateKey) {
    return new SecretResolver(Map.of("DB_PASSWORD", db.password(), "STATE_KEY", stateKey)::get);
  }

  /** One certfleet instance: its own state access, so its own pool. */
  Toolkit instance(String stateKey) {
    SecretResolver secrets = secrets(stateKey);
    StateAccess state = new StateAccess(secrets, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    instances.add(state);
    return new Toolkit(secrets, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()), dns(), state);
  }

  static Renewal.Result renew(Toolkit kit, AppConfig config, boolean force) throws Exception {
    return Renewal.run(config, kit, new Alerts(config, kit), config.certificates(), force, false, () -> {
      throw new AssertionError("nothing to distribute");
    });
  }

  @Test
  void twoInstancesRenewingAtOnceOrderOnceAndShareTheResult() throws Exception {
    Toolkit a = instance(key);
    Toolkit b = instance(key);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Renewal.Result>> runs = new ArrayList<>();
    try {
      for (Toolkit kit : List.of(a, b)) {
        runs.add(pool.submit(() -> {
          go.await();
          return renew(kit, config, false);
        }));
      }
      go.countDown();
      List<Outcome.Kind> kinds = new ArrayList<>();
      for (Future<Renewal.Result> f : runs) {
        kinds.add(f.get(120, TimeUnit.SECONDS).outcomes().get(0).kind());
      }
      assertThat(kinds).containsExactlyInAnyOrder(Outcome.Kind.RENEWED, Outcome.Kind.SKIPPED);
    } finally {
      pool.shutdownNow();
    }

    assertThat(ca.newOrderCount()).isEqualTo(1);
    assertThat(ca.accountCount()).as("one account, shared").isEqualTo(1);
    StateStores seenByB = b.stores(config);
    assertThat(seenByB.shared()).isTrue();
    assertThat(seenByB.reader().find(MEDIA).orElseThrow().versions()).containsExactly(1);
    assertThat(seenByB.reader().load(seenByB.reader().find(MEDIA).orElseThrow()).leaf().getSubjectX500Principal())
        .isNotNull();
    assertThat(seenByB.orders().pending(MEDIA)).as("the order journal was cleared").isEmpty();
    assertThat(FileCertificateStore.readOnly(config.stateDir()).list()).as("nothing in the local state directory")
        .isEmpty();

    // The other instance renews next (forced), with the same account; the first sees version 2.
    Renewal.Result second = renew(b, config, true);
    assertThat(second.outcomes().get(0).kind()).isEqualTo(Outcome.Kind.RENEWED);
    assertThat(ca.accountCount()).isEqualTo(1);
    assertThat(a.stores(config).reader().find(MEDIA).orElseThrow().version()).isEqualTo(2);
    assertThat(a.stores(config).reader().load(MEDIA, 2).facts().sans()).containsExactly("media.hachyderm.io");
  }

  @Test
  void anInstanceWithAnotherStateKeyFailsClearlyAndOrdersNothing() throws Exception {
    renew(instance(key), config, false);
    int orders = ca.newOrderCount();
    String wrong = randomKey();

    Renewal.Result r = renew(instance(wrong), config, true);

    Outcome o = r.outcomes().get(0);
    assertThat(o.kind()).isEqualTo(Outcome.Kind.FAILED);
    assertThat(o.detail()).contains("encrypted with another key").doesNotContain(wrong).doesNotContain(key);
    assertThat(ca.newOrderCount()).isEqualTo(orders);
    assertThat(instance(key).stores(config).reader().find(MEDIA).orElseThrow().version()).isEqualTo(1);
  }
}
