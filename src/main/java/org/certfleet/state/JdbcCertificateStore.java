package org.certfleet.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.certfleet.cert.CertFacts;
import org.certfleet.cert.CertName;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.cert.Pem;
import org.certfleet.store.CertificateStore;
import org.certfleet.store.Lineage;
import org.certfleet.store.LineageMetadata;
import org.jspecify.annotations.Nullable;

/**
 * The certificate store of a cluster, in the shared database: {@code certfleet_lineage} (current
 * version, renewal metadata) and {@code certfleet_lineage_version} (every version: the fullchain as PEM,
 * the private key sealed by {@link KeyCipher} for exactly that name, version and column).
 *
 * <p>Each write is one transaction that first locks the lineage's row ({@code SELECT … FOR UPDATE}), so
 * writers on any instance are serialised per lineage: two saves never both get version N (and the
 * primary key would refuse it if they did), and a save-and-activate is never seen half done. Reads see
 * one snapshot. A lineage has no {@link Lineage#liveDir() live directory}: nodes get their files from
 * {@link #load}. Thread-safe.
 */
final class JdbcCertificateStore implements CertificateStore {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final DataSource db;
  private final KeyCipher cipher;
  private final boolean writable;

  JdbcCertificateStore(DataSource db, KeyCipher cipher, boolean writable) {
    this.db = db;
    this.cipher = cipher;
    this.writable = writable;
  }

  /** The associated data of a version's private key. */
  static String privkeyContext(CertName name, int version) {
    return "lineage_version/privkey/" + name.value() + "/" + version;
  }

  // ---- reading ----------------------------------------------------------------------------

  @Override
  public Optional<Lineage> find(CertName name) throws IOException {
    return Transaction.read(db, name + ": reading the lineage", c -> find(c, name));
  }

  private static Optional<Lineage> find(Connection c, CertName name) throws SQLException, IOException {
    String pem;
    int current;
    try (PreparedStatement st = c.prepareStatement("SELECT l.current_version, v.fullchain_pem FROM certfleet_lineage l"
        + " JOIN certfleet_lineage_version v ON v.name = l.name AND v.version = l.current_version WHERE l.name = ?")) {
      st.setString(1, name.value());
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        current = rs.getInt(1);
        pem = rs.getString(2);
      }
    }
    return Optional.of(new Lineage(name, current, versions(c, name), facts(name, current, pem), null));
  }

  private static CertFacts facts(CertName name, int version, String fullchainPem) throws IOException {
    try {
      List<X509Certificate> certs = Pem.certificates(fullchainPem.getBytes(StandardCharsets.US_ASCII));
      if (certs.isEmpty()) {
        throw new IllegalArgumentException("no certificate");
      }
      return CertFacts.of(certs.get(0));
    } catch (IllegalArgumentException e) {
      throw new IOException(name + ": version " + version + " in the shared database: " + e.getMessage(), e);
    }
  }

  @Override
  public List<Lineage> list() throws IOException {
    return Transaction.read(db, "listing lineages", c -> {
      Map<String, Integer> current = new LinkedHashMap<>();
      Map<String, String> pems = new LinkedHashMap<>();
      try (PreparedStatement st = c.prepareStatement("SELECT l.name, l.current_version, v.fullchain_pem FROM certfleet_lineage l"
          + " JOIN certfleet_lineage_version v ON v.name = l.name AND v.version = l.current_version ORDER BY l.name");
          ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          current.put(rs.getString(1), rs.getInt(2));
          pems.put(rs.getString(1), rs.getString(3));
        }
      }
      List<Lineage> out = new ArrayList<>();
      for (Map.Entry<String, Integer> e : current.entrySet()) {
        CertName name = new CertName(e.getKey());
        out.add(new Lineage(name, e.getValue(), versions(c, name), facts(name, e.getValue(), pems.get(e.getKey())), null));
      }
      return out;
    });
  }

  @Override
  public List<Integer> versions(CertName name) throws IOException {
    return Transaction.read(db, name + ": listing versions", c -> versions(c, name));
  }

  private static List<Integer> versions(Connection c, CertName name) throws SQLException {
    List<Integer> out = new ArrayList<>();
    try (PreparedStatement st = c.prepareStatement(
        "SELECT version FROM certfleet_lineage_version WHERE name = ? ORDER BY version")) {
      st.setString(1, name.value());
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getInt(1));
        }
      }
    }
    return out;
  }

  @Override
  public CertificateBundle load(CertName name, int version) throws IOException {
    return Transaction.read(db, name + ": loading version " + version, c -> load(c, name, version));
  }

  private CertificateBundle load(Connection c, CertName name, int version) throws SQLException, IOException {
    String fullchain;
    byte[] sealed;
    try (PreparedStatement st = c.prepareStatement(
        "SELECT fullchain_pem, privkey_sealed FROM certfleet_lineage_version WHERE name = ? AND version = ?")) {
      st.setString(1, name.value());
      st.setInt(2, version);
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          throw new IOException(name + ": version " + version + " is not stored (not in the shared database)");
        }
        fullchain = rs.getString(1);
        sealed = rs.getBytes(2);
      }
    }
    byte[] privkey = cipher.open(sealed, privkeyContext(name, version));
    try {
      return CertificateBundle.parse(fullchain.getBytes(StandardCharsets.US_ASCII), privkey);
    } catch (IllegalArgumentException e) {
      throw new IOException(name + ": version " + version + " in the shared database: " + e.getMessage(), e);
    } finally {
      java.util.Arrays.fill(privkey, (byte) 0);
    }
  }

  @Override
  public LineageMetadata metadata(CertName name) throws IOException {
    String json = Transaction.read(db, name + ": reading metadata", c -> {
      try (PreparedStatement st = c.prepareStatement("SELECT metadata FROM certfleet_lineage WHERE name = ?")) {
        st.setString(1, name.value());
        try (ResultSet rs = st.executeQuery()) {
          return rs.next() ? rs.getString(1) : null;
        }
      }
    });
    if (json == null) {
      return LineageMetadata.empty(name.value());
    }
    LineageMetadata m;
    try {
      m = JSON.readValue(json, LineageMetadata.class);
    } catch (JsonProcessingException e) {
      throw new IOException(name + ": metadata in the shared database does not parse: " + e.getOriginalMessage(), e);
    }
    if (!m.name().equals(name.value())) {
      throw new IOException(name + ": the shared database holds the metadata of \"" + m.name() + "\" in its row");
    }
    return m;
  }

  // ---- writing ----------------------------------------------------------------------------

  @Override
  public void writeMetadata(LineageMetadata metadata) throws IOException {
    requireWritable();
    CertName name = new CertName(metadata.name());
    String json = JSON.writeValueAsString(metadata);
    Transaction.write(db, name + ": writing metadata", c -> {
      try (PreparedStatement st = c.prepareStatement("INSERT INTO certfleet_lineage (name, metadata) VALUES (?, ?)"
          + " ON CONFLICT (name) DO UPDATE SET metadata = EXCLUDED.metadata, updated_at = now()")) {
        st.setString(1, name.value());
        st.setString(2, json);
        st.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public int saveSuccessor(CertName name, CertificateBundle bundle) throws IOException {
    return write(name, bundle, false);
  }

  @Override
  public Lineage save(CertName name, CertificateBundle bundle) throws IOException {
    int version = write(name, bundle, true);
    return find(name).orElseThrow(() -> new IOException(name + ": version " + version + " saved but not found"));
  }

  private int write(CertName name, CertificateBundle bundle, boolean activate) throws IOException {
    requireWritable();
    String fullchain = new String(bundle.fullchainPem(), StandardCharsets.US_ASCII);
    byte[] privkey = bundle.privkeyPem();
    try {
      // Read back before anything is written: an encoding fault must not produce a version that cannot load.
      CertificateBundle back = CertificateBundle.parse(fullchain.getBytes(StandardCharsets.US_ASCII), privkey);
      if (!back.leaf().equals(bundle.leaf()) || !back.chain().equals(bundle.chain())) {
        throw new IllegalArgumentException("the PEM does not hold the bundle's certificates");
      }
    } catch (IllegalArgumentException e) {
      throw new IOException(name + ": refusing to store " + bundle + ": " + e.getMessage(), e);
    }
    CertFacts facts = bundle.facts();
    try {
      return Transaction.write(db, name + ": saving a new version", c -> {
        lockLineage(c, name);
        int next = highest(c, name) + 1;
        try (PreparedStatement st = c.prepareStatement("INSERT INTO certfleet_lineage_version"
            + " (name, version, fullchain_pem, privkey_sealed, sha256, serial, not_after) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
          st.setString(1, name.value());
          st.setInt(2, next);
          st.setString(3, fullchain);
          st.setBytes(4, cipher.seal(privkey, privkeyContext(name, next)));
          st.setString(5, facts.sha256());
          st.setString(6, facts.serial());
          st.setTimestamp(7, Timestamp.from(facts.notAfter()));
          st.executeUpdate();
        }
        if (activate) {
          setCurrent(c, name, next);
        }
        return next;
      });
    } finally {
      java.util.Arrays.fill(privkey, (byte) 0);
    }
  }

  /**
   * Copies a whole lineage in, keeping its version numbers (the state directory's import): every version
   * in {@code versions}, {@code current} made current, {@code metadata} as it was. One transaction.
   *
   * @throws IOException when the database has the lineage already (nothing is merged); nothing changed
   */
  void importLineage(CertName name, java.util.SortedMap<Integer, CertificateBundle> versions, @Nullable Integer current,
      LineageMetadata metadata) throws IOException {
    requireWritable();
    String json = JSON.writeValueAsString(metadata);
    Transaction.write(db, name + ": importing", c -> {
      try (PreparedStatement st = c.prepareStatement(
          "INSERT INTO certfleet_lineage (name, metadata) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
        st.setString(1, name.value());
        st.setString(2, json);
        if (st.executeUpdate() == 0) {
          throw new IOException(name + ": already in the shared database; not merged");
        }
      }
      for (Map.Entry<Integer, CertificateBundle> v : versions.entrySet()) {
        CertificateBundle b = v.getValue();
        byte[] privkey = b.privkeyPem();
        try (PreparedStatement st = c.prepareStatement("INSERT INTO certfleet_lineage_version"
            + " (name, version, fullchain_pem, privkey_sealed, sha256, serial, not_after) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
          st.setString(1, name.value());
          st.setInt(2, v.getKey());
          st.setString(3, new String(b.fullchainPem(), StandardCharsets.US_ASCII));
          st.setBytes(4, cipher.seal(privkey, privkeyContext(name, v.getKey())));
          st.setString(5, b.facts().sha256());
          st.setString(6, b.facts().serial());
          st.setTimestamp(7, Timestamp.from(b.facts().notAfter()));
          st.executeUpdate();
        } finally {
          java.util.Arrays.fill(privkey, (byte) 0);
        }
      }
      if (current != null) {
        setCurrent(c, name, current);
      }
      return null;
    });
  }

  @Override
  public Lineage activate(CertName name, int version) throws IOException {
    requireWritable();
    Transaction.write(db, name + ": activating version " + version, c -> {
      lockLineage(c, name);
      List<Integer> stored = versions(c, name);
      if (!stored.contains(version)) {
        throw new IOException(name + ": cannot activate version " + version + ": not stored in the shared database"
            + " (stored: " + stored + ")");
      }
      load(c, name, version); // never make current a pair that does not load
      setCurrent(c, name, version);
      return null;
    });
    return find(name).orElseThrow(() -> new IOException(name + ": version " + version + " activated but not found"));
  }

  /** Creates the lineage's row if needed and locks it until the transaction ends; returns its current version. */
  private static @Nullable Integer lockLineage(Connection c, CertName name) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "INSERT INTO certfleet_lineage (name) VALUES (?) ON CONFLICT (name) DO NOTHING")) {
      st.setString(1, name.value());
      st.executeUpdate();
    }
    try (PreparedStatement st = c.prepareStatement(
        "SELECT current_version FROM certfleet_lineage WHERE name = ? FOR UPDATE")) {
      st.setString(1, name.value());
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        int v = rs.getInt(1);
        return rs.wasNull() ? null : v;
      }
    }
  }

  private static int highest(Connection c, CertName name) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "SELECT COALESCE(MAX(version), 0) FROM certfleet_lineage_version WHERE name = ?")) {
      st.setString(1, name.value());
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static void setCurrent(Connection c, CertName name, int version) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(
        "UPDATE certfleet_lineage SET current_version = ?, updated_at = now() WHERE name = ?")) {
      st.setInt(1, version);
      st.setString(2, name.value());
      st.executeUpdate();
    }
  }

  private void requireWritable() {
    if (!writable) {
      throw new IllegalStateException("the shared database's certificate store was opened read-only; writing needs a"
          + " writer");
    }
  }

  @Override
  public String toString() {
    return "JdbcCertificateStore[" + (writable ? "writable" : "read-only") + "]";
  }
}
