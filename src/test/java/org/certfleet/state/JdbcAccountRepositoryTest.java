package org.certfleet.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.certfleet.acme.AccountRepository;
import org.certfleet.acme.AccountRepositoryContract;
import org.certfleet.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The account contract against a real PostgreSQL, plus the sealing of the account key. */
class JdbcAccountRepositoryTest extends AccountRepositoryContract {
  @RegisterExtension static final TwoInstances DB = new TwoInstances();
  static final KeyCipher CIPHER = new KeyCipher(KeyCipherTest.randomKey());

  @Override
  protected AccountRepository repository() {
    return new JdbcAccountRepository(DB.one().dataSource(), CIPHER);
  }

  @Override
  protected AccountRepository sameStateElsewhere() {
    return new JdbcAccountRepository(DB.two().dataSource(), CIPHER);
  }

  @Test
  void theAccountKeyIsSealedForItsDirectoryOnly() throws Exception {
    repository().save(STAGING, new AccountRepository.StoredAccount(TestCertificates.ecP256(), null));
    try (Connection c = DB.db().db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT key_sealed FROM certfleet_acme_account")) {
      rs.next();
      assertThat(new String(rs.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE KEY");
    }
    // The staging account's key copied to the production directory's row does not open there.
    DB.db().execute("INSERT INTO certfleet_acme_account (directory, key_sealed) SELECT '" + PEBBLE
        + "', key_sealed FROM certfleet_acme_account");

    assertThatThrownBy(() -> repository().load(PEBBLE)).isInstanceOf(IOException.class)
        .hasMessage("acme_account/key/" + PEBBLE + ": the encrypted value does not verify: it was altered, or copied"
            + " from another row or column");
    assertThatThrownBy(() -> new JdbcAccountRepository(DB.one().dataSource(), new KeyCipher(KeyCipherTest.randomKey()))
        .load(STAGING)).hasMessageContaining("encrypted with another key");
    assertThat(repository().load(URI.create("https://other.example/dir"))).isEmpty();
  }
}
