package org.certfleet.alert;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SplitterTest {

  @Test
  void cutsAtLineBreaksAndDropsTheBreakAtTheCut() {
    assertThat(Splitter.split("aaa\nbbb\ncc", 7)).containsExactly("aaa\nbbb", "cc");
    assertThat(Splitter.split("short", 7)).containsExactly("short");
  }

  @Test
  void aLineLongerThanTheLimitIsCutButNeverInsideASurrogatePair() {
    String emoji = "\uD83D\uDD12"; // one code point, two chars
    assertThat(Splitter.split("ab" + emoji + "cd", 3)).containsExactly("ab", emoji + "c", "d");
    assertThat(Splitter.split("abcdefg", 3)).containsExactly("abc", "def", "g");
  }
}
