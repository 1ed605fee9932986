package org.certfleet.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.store.CertificateStore;
import org.certfleet.store.CertificateStoreContract;
import org.certfleet.store.Lineage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract against a real PostgreSQL, plus what only the database can get wrong. */
class JdbcCertificateStoreTest extends CertificateStoreContract {
  @RegisterExtension static final TwoInstances DB = new TwoInstances();
  static final KeyCipher CIPHER = new KeyCipher(KeyCipherTest.randomKey());

  @Override
  protected CertificateStore writable() {
    return new JdbcCertificateStore(DB.one().dataSource(), CIPHER, true);
  }

  /** Another instance: its own pool, the same key. */
  @Override
  protected CertificateStore anotherWriter() {
    return new JdbcCertificateStore(DB.two().dataSource(), CIPHER, true);
  }

  @Override
  protected CertificateStore readOnly() {
    return new JdbcCertificateStore(DB.two().dataSource(), CIPHER, false);
  }

  @Test
  void privateKeysAreStoredOnlySealedAndCertificatesAsPem() throws Exception {
    CertificateBundle b = bundle(MEDIA);
    writable().save(MEDIA, b);

    try (Connection c = DB.db().db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT fullchain_pem, privkey_sealed, sha256, serial FROM certfleet_lineage_version")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo(new String(b.fullchainPem(), java.nio.charset.StandardCharsets.US_ASCII));
      byte[] sealed = rs.getBytes(2);
      assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE KEY");
      assertThat(indexOf(sealed, b.privateKey().getEncoded())).as("the DER key is not in the row").isNegative();
      assertThat(CIPHER.open(sealed, "lineage_version/privkey/media.hachyderm.io/1")).isEqualTo(b.privkeyPem());
      assertThat(rs.getString(3)).isEqualTo(b.facts().sha256());
      assertThat(rs.getString(4)).isEqualTo(b.facts().serial());
    }
    assertThat(writable().find(MEDIA).orElseThrow().liveDir()).as("no local files").isNull();
  }

  @Test
  void aWrongKeyIsAClearErrorAndNeverAKey() throws IOException {
    writable().save(MEDIA, bundle(MEDIA));
    KeyCipher other = new KeyCipher(KeyCipherTest.randomKey());
    JdbcCertificateStore wrong = new JdbcCertificateStore(DB.one().dataSource(), other, true);

    assertThat(wrong.find(MEDIA)).as("facts need no key").isPresent();
    assertThatThrownBy(() -> wrong.load(MEDIA, 1)).isInstanceOf(IOException.class)
        .hasMessage("lineage_version/privkey/media.hachyderm.io/1: encrypted with another key (key id " + CIPHER.keyId()
            + "); the configured cluster.encryption-key has key id " + other.keyId()
            + "; configure the key the cluster was set up with");
    assertThatThrownBy(() -> wrong.activate(MEDIA, 1)).hasMessageContaining("encrypted with another key");
  }

  @Test
  void aKeyCopiedToAnotherVersionIsRefusedAndNeverActivated() throws Exception {
    CertificateStore store = writable();
    store.save(MEDIA, bundle(MEDIA));
    store.save(MEDIA, bundle(MEDIA));
    // Someone with database access swaps version 1's key for version 2's: it must not open, and version 1
    // must never become current.
    DB.db().execute("UPDATE certfleet_lineage_version SET privkey_sealed = (SELECT privkey_sealed FROM"
        + " certfleet_lineage_version WHERE name = 'media.hachyderm.io' AND version = 2)"
        + " WHERE name = 'media.hachyderm.io' AND version = 1");

    assertThatThrownBy(() -> store.activate(MEDIA, 1)).isInstanceOf(IOException.class)
        .hasMessageContaining("lineage_version/privkey/media.hachyderm.io/1: the encrypted value does not verify");
    assertThat(store.find(MEDIA).orElseThrow().version()).isEqualTo(2);
    assertThat(store.load(MEDIA, 2).leaf()).isNotNull();
  }

  @Test
  void aFailedSaveLeavesNoVersionAndThePreviousOneCurrent() throws Exception {
    CertificateStore store = writable();
    CertificateBundle first = bundle(MEDIA);
    store.save(MEDIA, first);
    // The version insert fails inside the transaction (after the row lock and the number were taken).
    DB.db().execute("ALTER TABLE certfleet_lineage_version ADD CONSTRAINT no_second CHECK (version < 2)");
    try {
      assertThatThrownBy(() -> store.save(MEDIA, bundle(MEDIA))).isInstanceOf(IOException.class)
          .hasMessageStartingWith("media.hachyderm.io: saving a new version: shared database: ");
    } finally {
      DB.db().execute("ALTER TABLE certfleet_lineage_version DROP CONSTRAINT no_second");
    }

    Lineage l = store.find(MEDIA).orElseThrow();
    assertThat(l.version()).isEqualTo(1);
    assertThat(l.versions()).containsExactly(1);
    assertThat(store.save(MEDIA, bundle(MEDIA)).version()).isEqualTo(2);
  }

  @Test
  void theCurrentVersionCanOnlyPointAtAStoredVersion() throws Exception {
    writable().save(MEDIA, bundle(MEDIA));
    assertThatThrownBy(() -> DB.db().execute("UPDATE certfleet_lineage SET current_version = 5")).isInstanceOf(SQLException.class)
        .hasMessageContaining("certfleet_lineage_current_fk");
  }

  @Test
  void metadataIsTheSameJsonAsTheStateDirectoryKeeps() throws Exception {
    CertificateStore store = writable();
    store.writeMetadata(org.certfleet.store.LineageMetadata.empty(MEDIA.value())
        .withNextAttemptNotBefore(T));
    try (Connection c = DB.db().db.connect();
        PreparedStatement st = c.prepareStatement("SELECT metadata FROM certfleet_lineage WHERE name = ?")) {
      st.setString(1, MEDIA.value());
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        assertThat(rs.getString(1)).contains("\"name\":\"media.hachyderm.io\"", "\"nextAttemptNotBefore\":\"2026-11-22T10:00:00Z\"");
      }
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
