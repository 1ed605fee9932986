package org.certfleet.renewal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.certfleet.dns.RecordJournal;
import org.certfleet.dns.TxtRecord;
import org.certfleet.store.AtomicFiles;

/**
 * {@code <state>/acme/dns-records.json}: the challenge records presented and not yet removed, written
 * atomically before each record is presented and after it is removed. Orders of one run present in
 * parallel, so every change is one synchronized read-modify-write; runs are serialised by the state lock.
 */
final class StateRecordJournal implements RecordJournal {
  private final Path file;
  private final ObjectMapper json = new ObjectMapper();

  StateRecordJournal(Path stateDir) {
    this.file = stateDir.resolve("acme").resolve("dns-records.json");
  }

  @Override
  public synchronized void presenting(String provider, TxtRecord record) throws IOException {
    List<Entry> all = new ArrayList<>(leftovers());
    Entry e = new Entry(provider, record);
    if (!all.contains(e)) {
      all.add(e);
      write(all);
    }
  }

  @Override
  public synchronized void removed(String provider, TxtRecord record) throws IOException {
    List<Entry> all = new ArrayList<>(leftovers());
    if (all.remove(new Entry(provider, record))) {
      write(all);
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
          n.path("value").asText(), Duration.ofSeconds(n.path("ttl").asLong(60)))));
    }
    return out;
  }

  private void write(List<Entry> all) throws IOException {
    ObjectNode root = json.createObjectNode();
    ArrayNode records = root.putArray("records");
    for (Entry e : all) {
      records.addObject().put("provider", e.provider()).put("fqdn", e.record().fqdn()).put("zone", e.record().zone())
          .put("value", e.record().value()).put("ttl", e.record().ttl().toSeconds());
    }
    AtomicFiles.privateDir(file.getParent());
    AtomicFiles.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root), AtomicFiles.PRIVATE_FILE);
  }
}
