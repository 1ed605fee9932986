package org.certfleet.renewal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.certfleet.dns.RecordJournal;
import org.certfleet.dns.TxtRecord;
import org.certfleet.store.AtomicFiles;

/**
 * {@code <state>/acme/dns-records.json}: the challenge records presented and not yet removed, written
 * atomically before each record is presented and after it is removed, with the presenting process's pid.
 * Orders of one run present in parallel, so every change is one synchronized read-modify-write.
 */
final class StateRecordJournal implements RecordJournal {
  private final Path file;
  private final ObjectMapper json = new ObjectMapper();

  StateRecordJournal(Path stateDir) {
    this.file = stateDir.resolve("acme").resolve("dns-records.json");
  }

  @Override
  public synchronized void presenting(String provider, TxtRecord record) throws IOException {
    try (Held held = lock()) {
      List<Entry> all = new ArrayList<>(leftovers());
      all.removeIf(e -> e.provider().equals(provider) && e.record().equals(record));
      all.add(new Entry(provider, record, ProcessHandle.current().pid()));
      write(all);
    }
  }

  @Override
  public synchronized void removed(String provider, TxtRecord record) throws IOException {
    try (Held held = lock()) {
      List<Entry> all = new ArrayList<>(leftovers());
      if (all.removeIf(e -> e.provider().equals(provider) && e.record().equals(record))) {
        write(all);
      }
    }
  }

  private interface Held extends AutoCloseable {
    @Override
    void close() throws IOException;
  }

  /**
   * An OS lock on {@code dns-records.lock} for one read-modify-write: a CLI run next to a clustered
   * daemon shares this file without the state lock.
   */
  private Held lock() throws IOException {
    AtomicFiles.privateDir(file.getParent());
    FileChannel channel = FileChannel.open(file.resolveSibling("dns-records.lock"), Set.of(StandardOpenOption.CREATE,
        StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(AtomicFiles.PRIVATE_FILE));
    try {
      channel.lock();
      return channel::close; // closing the channel releases its lock
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public synchronized List<Entry> leftovers() throws IOException {
    JsonNode root;
    try {
      root = json.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (JsonProcessingException e) {
      throw new IOException(file + ": not readable (" + e.getOriginalMessage() + ")", e);
    }
    List<Entry> out = new ArrayList<>();
    for (JsonNode n : root.path("records")) {
      out.add(new Entry(n.path("provider").asText(), new TxtRecord(n.path("fqdn").asText(), n.path("zone").asText(),
          n.path("value").asText(), Duration.ofSeconds(n.path("ttl").asLong(60))), n.path("pid").asLong(0)));
    }
    return out;
  }

  private void write(List<Entry> all) throws IOException {
    ObjectNode root = json.createObjectNode();
    ArrayNode records = root.putArray("records");
    for (Entry e : all) {
      records.addObject().put("provider", e.provider()).put("fqdn", e.record().fqdn()).put("zone", e.record().zone())
          .put("value", e.record().value()).put("ttl", e.record().ttl().toSeconds()).put("pid", e.owner());
    }
    AtomicFiles.privateDir(file.getParent());
    AtomicFiles.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root), AtomicFiles.PRIVATE_FILE);
  }
}
