package org.certfleet.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignalsTest {
  static String status(String sigIgn) {
    return "Name:\tjava\nSigQ:\t0/94000\nSigPnd:\t0000000000000000\nSigBlk:\t0000000000000000\nSigIgn:\t" + sigIgn
        + "\nSigCgt:\t0000000000004a02\n";
  }

  @Test
  void readsTheIgnoredMaskOfProcStatus() {
    // nohup: SIGHUP (1) ignored
    assertThat(Signals.ignores(status("0000000000000001"), "HUP")).contains(true);
    assertThat(Signals.ignores(status("0000000000000001"), "TERM")).contains(false);
    // a shell's background job: SIGINT (2) and SIGQUIT (3) ignored
    assertThat(Signals.ignores(status("0000000000000006"), "INT")).contains(true);
    assertThat(Signals.ignores(status("0000000000000006"), "HUP")).contains(false);
    // SIGTERM is 15: bit 14
    assertThat(Signals.ignores(status("0000000000004000"), "TERM")).contains(true);
    assertThat(Signals.ignores("Name:\tjava\n", "HUP")).isEqualTo(Optional.empty());
  }

  @Test
  void readsALiveProcessAndNothingForAMissingOne() {
    assertThat(Signals.ignores(ProcessHandle.current().pid(), "TERM")).isPresent();
    assertThat(Signals.ignores(Long.MAX_VALUE, "HUP")).isEmpty();
  }
}
