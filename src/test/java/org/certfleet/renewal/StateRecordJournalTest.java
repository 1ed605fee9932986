package org.certfleet.renewal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.certfleet.dns.RecordJournal;
import org.certfleet.dns.TxtRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateRecordJournalTest {
  static final TxtRecord MEDIA = new TxtRecord("media.acme-delegation.net.", "acme-delegation.net.", "d1", Duration.ofSeconds(60));
  static final TxtRecord FILES = new TxtRecord("_acme-challenge.files.hachyderm.io.", "hachyderm.io.", "d2", Duration.ofSeconds(60));

  @Test
  void recordsSurviveANewInstanceUntilRemovedAndTheFileIsPrivate(@TempDir Path state) throws IOException {
    new StateRecordJournal(state).presenting("bind", MEDIA);
    new StateRecordJournal(state).presenting("route53", FILES);
    new StateRecordJournal(state).presenting("bind", MEDIA); // presented again on a retry: one entry

    StateRecordJournal later = new StateRecordJournal(state);
    long me = ProcessHandle.current().pid();
    assertThat(later.leftovers()).containsExactlyInAnyOrder(new RecordJournal.Entry("bind", MEDIA, me),
        new RecordJournal.Entry("route53", FILES, me));
    assertThat(Files.getPosixFilePermissions(state.resolve("acme/dns-records.json")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    later.removed("bind", MEDIA);
    later.removed("bind", FILES); // another provider's record of that name: not this one
    assertThat(new StateRecordJournal(state).leftovers()).containsExactly(new RecordJournal.Entry("route53", FILES, me));
  }

  @Test
  void onlyARecordOfAnotherProcessStillRunningIsLeftToItsOwner() throws Exception {
    Process other = new ProcessBuilder("sleep", "30").start();
    try {
      assertThat(new RecordJournal.Entry("bind", MEDIA, other.pid()).ownedByAnotherLiveProcess()).isTrue();
      assertThat(new RecordJournal.Entry("bind", MEDIA, ProcessHandle.current().pid()).ownedByAnotherLiveProcess())
          .as("this process's own: stale when a sweep runs").isFalse();
      assertThat(new RecordJournal.Entry("bind", MEDIA, 0).ownedByAnotherLiveProcess()).isFalse();
    } finally {
      other.destroyForcibly();
      other.waitFor();
    }
    assertThat(new RecordJournal.Entry("bind", MEDIA, other.pid()).ownedByAnotherLiveProcess()).as("it ended").isFalse();
  }

  @Test
  void noFileIsNoLeftoversAndACorruptFileIsAnErrorNamingIt(@TempDir Path state) throws IOException {
    assertThat(new StateRecordJournal(state).leftovers()).isEmpty();
    Files.createDirectories(state.resolve("acme"));
    Files.writeString(state.resolve("acme/dns-records.json"), "{not json");

    assertThatThrownBy(() -> new StateRecordJournal(state).leftovers()).isInstanceOf(IOException.class)
        .hasMessageContaining("dns-records.json: not readable");
  }
}
