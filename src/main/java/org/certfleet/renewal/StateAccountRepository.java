package org.certfleet.renewal;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.certfleet.acme.AccountRepository;
import org.certfleet.store.AtomicFiles;

/**
 * Keeps one ACME account per directory under {@code <state>/acme/accounts/<hash of the URL>/}: the key
 * as {@code account-key.pem} (0600) and the account URL in {@code account.json}.
 */
public final class StateAccountRepository implements AccountRepository {
  private final Path root;
  private final ObjectMapper json = new ObjectMapper();

  public StateAccountRepository(Path stateDir) {
    this.root = stateDir.resolve("acme").resolve("accounts");
  }

  private Path dir(URI directory) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(directory.toString().getBytes(StandardCharsets.UTF_8));
      return root.resolve(HexFormat.of().formatHex(h, 0, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Optional<StoredAccount> load(URI directory) throws IOException {
    Path d = dir(directory);
    KeyPair key;
    try {
      key = KeyFiles.read(Files.readAllBytes(d.resolve("account-key.pem")));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    URL location = null;
    try {
      String url = json.readTree(Files.readAllBytes(d.resolve("account.json"))).path("location").asText("");
      location = url.isEmpty() ? null : URI.create(url).toURL();
    } catch (NoSuchFileException e) {
      // key saved, account not created yet: the next run creates it with this key
    }
    return Optional.of(new StoredAccount(key, location));
  }

  @Override
  public void save(URI directory, StoredAccount account) throws IOException {
    Path d = dir(directory);
    AtomicFiles.privateDir(d);
    AtomicFiles.write(d.resolve("account-key.pem"), KeyFiles.write(account.keyPair()), AtomicFiles.PRIVATE_FILE);
    if (account.location() != null) {
      AtomicFiles.write(d.resolve("account.json"), json.writeValueAsBytes(Map.of("directory", directory.toString(),
          "location", account.location().toString())), AtomicFiles.PRIVATE_FILE);
    }
  }
}
