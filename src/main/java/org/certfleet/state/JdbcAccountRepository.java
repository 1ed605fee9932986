package org.certfleet.state;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.security.KeyPair;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.Optional;
import javax.sql.DataSource;
import org.certfleet.acme.AccountRepository;
import org.certfleet.renewal.KeyFiles;

/**
 * The ACME account of a cluster, one per CA directory, in {@code certfleet_acme_account}: the key sealed
 * by {@link KeyCipher} for that directory, and the account URL once the account exists. As in the state
 * directory, saving a key without a URL keeps a URL saved before. Thread-safe.
 */
final class JdbcAccountRepository implements AccountRepository {
  private final DataSource db;
  private final KeyCipher cipher;

  JdbcAccountRepository(DataSource db, KeyCipher cipher) {
    this.db = db;
    this.cipher = cipher;
  }

  static String keyContext(URI directory) {
    return "acme_account/key/" + directory;
  }

  @Override
  public Optional<StoredAccount> load(URI directory) throws IOException {
    record Row(byte[] sealed, String location) {}
    Row row = Transaction.read(db, "ACME account of " + directory, c -> {
      try (PreparedStatement st = c.prepareStatement(
          "SELECT key_sealed, location FROM certfleet_acme_account WHERE directory = ?")) {
        st.setString(1, directory.toString());
        try (ResultSet rs = st.executeQuery()) {
          return rs.next() ? new Row(rs.getBytes(1), rs.getString(2)) : null;
        }
      }
    });
    if (row == null) {
      return Optional.empty();
    }
    byte[] pem = cipher.open(row.sealed(), keyContext(directory));
    try {
      KeyPair key = KeyFiles.read(pem);
      URL location = row.location() == null ? null : URI.create(row.location()).toURL();
      return Optional.of(new StoredAccount(key, location));
    } catch (IllegalArgumentException e) {
      throw new IOException("ACME account of " + directory + " in the shared database: " + e.getMessage(), e);
    } finally {
      Arrays.fill(pem, (byte) 0);
    }
  }

  @Override
  public void save(URI directory, StoredAccount account) throws IOException {
    byte[] pem = KeyFiles.write(account.keyPair());
    byte[] sealed;
    try {
      sealed = cipher.seal(pem, keyContext(directory));
    } finally {
      Arrays.fill(pem, (byte) 0);
    }
    Transaction.write(db, "saving the ACME account of " + directory, c -> {
      try (PreparedStatement st = c.prepareStatement("INSERT INTO certfleet_acme_account (directory, key_sealed, location)"
          + " VALUES (?, ?, ?) ON CONFLICT (directory) DO UPDATE SET key_sealed = EXCLUDED.key_sealed,"
          + " location = COALESCE(EXCLUDED.location, certfleet_acme_account.location), updated_at = now()")) {
        st.setString(1, directory.toString());
        st.setBytes(2, sealed);
        st.setString(3, account.location() == null ? null : account.location().toString());
        st.executeUpdate();
      }
      return null;
    });
  }
}
