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
import org.certfleet.acme.OrderJournal;
import org.certfleet.cert.CertName;
import org.certfleet.renewal.KeyFiles;

/**
 * Orders in flight of a cluster, one per certificate, in {@code certfleet_acme_order}: the order URL and,
 * from before finalization until the certificate is stored, its key sealed by {@link KeyCipher} for
 * that certificate and that order (so a key never opens under another order). Any instance can resume
 * an order another one started. Thread-safe.
 */
final class JdbcOrderJournal implements OrderJournal {
  private final DataSource db;
  private final KeyCipher cipher;

  JdbcOrderJournal(DataSource db, KeyCipher cipher) {
    this.db = db;
    this.cipher = cipher;
  }

  static String keyContext(CertName name, URL order) {
    return "acme_order/key/" + name.value() + "/" + order;
  }

  @Override
  public Optional<PendingOrder> pending(CertName name) throws IOException {
    record Row(String location, byte[] sealed) {}
    Row row = Transaction.read(db, name + ": reading the pending order", c -> {
      try (PreparedStatement st = c.prepareStatement("SELECT location, key_sealed FROM certfleet_acme_order WHERE name = ?")) {
        st.setString(1, name.value());
        try (ResultSet rs = st.executeQuery()) {
          return rs.next() ? new Row(rs.getString(1), rs.getBytes(2)) : null;
        }
      }
    });
    if (row == null) {
      return Optional.empty();
    }
    URL location = URI.create(row.location()).toURL();
    KeyPair key = null;
    if (row.sealed() != null) {
      byte[] pem = cipher.open(row.sealed(), keyContext(name, location));
      try {
        key = KeyFiles.read(pem);
      } catch (IllegalArgumentException e) {
        throw new IOException(name + ": the pending order's key in the shared database: " + e.getMessage(), e);
      } finally {
        Arrays.fill(pem, (byte) 0);
      }
    }
    return Optional.of(new PendingOrder(location, key));
  }

  @Override
  public void record(CertName name, PendingOrder order) throws IOException {
    byte[] sealed = null;
    if (order.keyPair() != null) {
      byte[] pem = KeyFiles.write(order.keyPair());
      try {
        sealed = cipher.seal(pem, keyContext(name, order.location()));
      } finally {
        Arrays.fill(pem, (byte) 0);
      }
    }
    byte[] value = sealed;
    Transaction.write(db, name + ": recording the pending order", c -> {
      try (PreparedStatement st = c.prepareStatement("INSERT INTO certfleet_acme_order (name, location, key_sealed)"
          + " VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET location = EXCLUDED.location,"
          + " key_sealed = EXCLUDED.key_sealed, updated_at = now()")) {
        st.setString(1, name.value());
        st.setString(2, order.location().toString());
        st.setBytes(3, value);
        st.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public void clear(CertName name) throws IOException {
    Transaction.write(db, name + ": clearing the pending order", c -> {
      try (PreparedStatement st = c.prepareStatement("DELETE FROM certfleet_acme_order WHERE name = ?")) {
        st.setString(1, name.value());
        st.executeUpdate();
      }
      return null;
    });
  }
}
