package org.certfleet.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** The alert state contract against {@code <state>/alerts.json}. */
class FileAlertStateStoreContractTest extends AlertStateStoreContract {
  @TempDir Path state;

  @Override
  protected AlertStateStore store() {
    return new FileAlertStateStore(state, Clock.fixed(T, ZoneOffset.UTC), d -> Thread.sleep(d.toMillis()));
  }

  @Override
  protected AlertStateStore sameStateElsewhere() {
    return new FileAlertStateStore(state, Clock.fixed(T, ZoneOffset.UTC), d -> Thread.sleep(d.toMillis()));
  }

  @Override
  protected List<String> peekOutboxKeys() throws IOException {
    List<String> keys = new ArrayList<>();
    Path file = state.resolve("alerts.json");
    if (Files.exists(file)) {
      for (JsonNode q : new ObjectMapper().readTree(file.toFile()).path("outbox")) {
        keys.add(q.path("message").path("key").asText());
      }
    }
    return keys;
  }
}
