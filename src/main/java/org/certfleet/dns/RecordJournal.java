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

  /**
   * @param provider the DNS provider's name in certs.yaml
   * @param owner the pid of the process that presented it; 0 when unknown
   */
  record Entry(String provider, TxtRecord record, long owner) {
    public Entry {
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(record, "record");
    }

    public Entry(String provider, TxtRecord record) {
      this(provider, record, 0);
    }

    /**
     * Whether another process that is still running presented it: that process may be using it right
     * now (a CLI run next to a clustered daemon shares the state directory without its lock).
     */
    public boolean ownedByAnotherLiveProcess() {
      return owner != 0 && owner != ProcessHandle.current().pid()
          && ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false);
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
