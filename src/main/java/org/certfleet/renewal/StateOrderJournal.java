package org.certfleet.renewal;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import java.util.Optional;
import org.certfleet.acme.OrderJournal;
import org.certfleet.cert.CertName;
import org.certfleet.store.AtomicFiles;

/**
 * In-flight orders under {@code <state>/acme/orders/}: {@code <name>.json} with the order URL and,
 * from before finalization until the certificate is stored, {@code <name>.key.pem} (0600).
 */
public final class StateOrderJournal implements OrderJournal {
  private final Path dir;
  private final ObjectMapper json = new ObjectMapper();

  public StateOrderJournal(Path stateDir) {
    this.dir = stateDir.resolve("acme").resolve("orders");
  }

  @Override
  public Optional<PendingOrder> pending(CertName name) throws IOException {
    try {
      String url = json.readTree(Files.readAllBytes(dir.resolve(name.value() + ".json"))).path("location").asText();
      KeyPair key = null;
      try {
        key = KeyFiles.read(Files.readAllBytes(dir.resolve(name.value() + ".key.pem")));
      } catch (NoSuchFileException e) {
        // no key generated yet
      }
      return Optional.of(new PendingOrder(URI.create(url).toURL(), key));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void record(CertName name, PendingOrder order) throws IOException {
    AtomicFiles.privateDir(dir);
    if (order.keyPair() != null) {
      AtomicFiles.write(dir.resolve(name.value() + ".key.pem"), KeyFiles.write(order.keyPair()), AtomicFiles.PRIVATE_FILE);
    } else {
      Files.deleteIfExists(dir.resolve(name.value() + ".key.pem"));
    }
    AtomicFiles.write(dir.resolve(name.value() + ".json"),
        json.writeValueAsBytes(Map.of("location", order.location().toString())), AtomicFiles.PRIVATE_FILE);
  }

  @Override
  public void clear(CertName name) throws IOException {
    Files.deleteIfExists(dir.resolve(name.value() + ".json"));
    Files.deleteIfExists(dir.resolve(name.value() + ".key.pem"));
  }
}
