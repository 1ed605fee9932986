package org.certfleet.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import org.certfleet.config.AppConfig;
import org.certfleet.config.ConfigLoader;
import org.certfleet.config.SecretResolver;
import org.certfleet.store.CertificateLocks;
import org.certfleet.store.FileCertificateStore;
import org.certfleet.testing.TestCatalogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which stores a config gets: the state directory without cluster:, the database with it. */
class StateAccessTest {
  @TempDir Path dir;

  AppConfig config(boolean cluster) throws Exception {
    Path file = dir.resolve("certs.yaml");
    Files.writeString(file, """
        acme: {directory: "https://127.0.0.1:14000/dir", email: ops@hachyderm.io, agree-to-terms: true}
        dns:
          providers:
            - {name: r, type: exec, options: {command: /bin/false}}
        certificates:
          - {name: media.hachyderm.io, domains: [media.hachyderm.io], dns-provider: r, deploy-to: []}
        nodes: []
        state: {dir: "%s"}
        """.formatted(dir.resolve("state")) + (cluster ? """
        cluster:
          jdbc-url: "jdbc:postgresql://127.0.0.1:1/none"
          user: certfleet
          encryption-key: ${env:STATE_KEY}
          connect-timeout: 1s
        """ : ""));
    return new ConfigLoader(TestCatalogs.dns(), TestCatalogs.channels()).load(file);
  }

  static StateAccess access(String key) {
    return new StateAccess(new SecretResolver(Map.of("STATE_KEY", key)::get), Clock.systemUTC(),
        d -> Thread.sleep(d.toMillis()));
  }

  @Test
  void withoutClusterTheStateDirectoryAsAlways() throws Exception {
    try (StateAccess access = access("")) {
      StateStores s = access.of(config(false));
      assertThat(s.shared()).isFalse();
      assertThat(s.location()).isEqualTo(dir.resolve("state").toString());
      assertThat(s.reader()).isInstanceOf(FileCertificateStore.class);
      assertThat(s.locks()).isSameAs(CertificateLocks.LOCAL);
      try (StateStores.Writer w = s.writer()) {
        assertThat(w.store()).isInstanceOf(FileCertificateStore.class);
        assertThat(dir.resolve("state/lock")).exists();
        assertThatThrownBy(s::writer).isInstanceOf(org.certfleet.store.StoreLockedException.class);
      }
      s.writer().close();
    }
  }

  @Test
  void withClusterTheDatabaseOnePoolPerSectionEvenWhileItIsDown() throws Exception {
    String key = Base64.getEncoder().encodeToString(KeyCipherTest.randomKey());
    AppConfig config = config(true);
    StateStores s;
    try (StateAccess access = access(key)) {
      s = access.of(config);
      assertThat(s.shared()).isTrue();
      assertThat(s.location()).isEqualTo("jdbc:postgresql://127.0.0.1:1/none");
      assertThat(access.of(config)).as("the pool is kept").isSameAs(s);
      // The writer holds no global lock: two at once are fine, writers exclude each other per certificate.
      s.writer().close();
      s.writer().close();
      assertThatThrownBy(() -> s.reader().list()).isInstanceOf(java.io.IOException.class)
          .hasMessageStartingWith("listing lineages: shared database: ");
      access.close();
      assertThatThrownBy(() -> access.of(config)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aBadKeyIsRefusedByItsReferenceBeforeAnyPoolOpens() throws Exception {
    AppConfig config = config(true);
    String shortKey = Base64.getEncoder().encodeToString(new byte[20]);
    try (StateAccess access = access(shortKey)) {
      assertThatThrownBy(() -> access.of(config)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the state encryption key ${env:STATE_KEY} holds 20 bytes; it must hold 32 (e.g. from"
              + " `openssl rand -base64 32`)");
    }
    try (StateAccess access = access("")) {
      assertThatThrownBy(() -> access.of(config)).hasMessageContaining("STATE_KEY").isInstanceOf(RuntimeException.class);
    }
  }
}
