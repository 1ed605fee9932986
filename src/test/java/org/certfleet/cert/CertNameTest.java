package org.certfleet.cert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CertNameTest {
  @ParameterizedTest
  @ValueSource(strings = {"media.hachyderm.io", "hachyderm.io", "a", "x_1-2.example", "0rigin"})
  void acceptsDnsLikeNames(String name) {
    assertThat(new CertName(name).value()).isEqualTo(name);
  }

  /** Each of these could escape archive/ or live/, hide, or clash; the message names the value. */
  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "a..b", "../etc", "a/b", "/abs", ".hidden", "-flag", "Upper.example",
      "*.hachyderm.io", "a b", "a\\b", "a\u0000b", "é.example"})
  void refusesNamesThatCouldEscapeOrHide(String name) {
    assertThatThrownBy(() -> new CertName(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("\"" + name + "\" is not a valid certificate name");
  }

  @ParameterizedTest
  @ValueSource(ints = {64, 65})
  void isAtMost64Characters(int length) {
    String name = "a".repeat(length);
    if (length <= 64) {
      assertThat(new CertName(name).value()).hasSize(length);
    } else {
      assertThatThrownBy(() -> new CertName(name)).hasMessageContaining("at most 64 characters");
    }
  }
}
