package org.certfleet.dns;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * The challenge records that were presented and not yet removed, kept durably so that a run killed
 * between presenting and cleaning up (a crash, SIGKILL, power loss) does not leave TXT records in the
 * zone for ever: the next run removes them first ({@link ChallengePublisher#sweep}).
 */
public interface RecordJournal {
  /** Records {@code record} before it is presented through the provider named {@code provider}. */
  void presenting(String provider, TxtRecord record) throws IOException;

  /** Forgets {@code record} once it was removed. */
  void removed(String provider, TxtRecord record) throws IOException;

  /** What was presented and never removed. */
  List<Entry> leftovers() throws IOException;

  /** @param provider the DNS provider's name in certs.yaml */
  record Entry(String provider, TxtRecord record) {
    public Entry {
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(record, "record");
    }
  }

  /** Remembers nothing: for callers without a state directory. */
  RecordJournal NONE = new RecordJournal() {
    @Override
    public void presenting(String provider, TxtRecord record) {}

    @Override
    public void removed(String provider, TxtRecord record) {}

    @Override
    public List<Entry> leftovers() {
      return List.of();
    }
  };
}
