package org.certfleet.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.certfleet.config.Secret;
import org.certfleet.config.SecretRef;
import org.junit.jupiter.api.Test;

class KeyCipherTest {
  private static final String CTX = "lineage_version/privkey/media.hachyderm.io/3";
  private static final byte[] PLAIN = "-----BEGIN PRIVATE KEY-----\nMIGH...\n".getBytes(StandardCharsets.UTF_8);
  private static final SecretRef REF = new SecretRef(SecretRef.Kind.ENV, "CERTFLEET_STATE_KEY");

  static byte[] randomKey() {
    byte[] k = new byte[KeyCipher.KEY_BYTES];
    new SecureRandom().nextBytes(k);
    return k;
  }

  @Test
  void roundTripsWithAFreshNonceEveryTime() throws IOException {
    KeyCipher cipher = new KeyCipher(randomKey());

    byte[] a = cipher.seal(PLAIN, CTX);
    byte[] b = cipher.seal(PLAIN, CTX);

    assertThat(cipher.open(a, CTX)).isEqualTo(PLAIN);
    assertThat(cipher.open(b, CTX)).isEqualTo(PLAIN);
    assertThat(a).isNotEqualTo(b);
    assertThat(a).hasSize(1 + 8 + 12 + PLAIN.length + 16);
    assertThat(new String(a, StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE KEY");
    assertThat(cipher.open(cipher.seal(new byte[0], CTX), CTX)).isEmpty();
  }

  @Test
  void anyAlteredByteIsDetected() {
    KeyCipher cipher = new KeyCipher(randomKey());
    byte[] sealed = cipher.seal(PLAIN, CTX);
    // Header (format, key id) bytes have their own messages; every byte after them is covered by the tag.
    for (int i = 9; i < sealed.length; i++) {
      byte[] altered = sealed.clone();
      altered[i] ^= 0x01;
      assertThatThrownBy(() -> cipher.open(altered, CTX)).as("byte " + i).isInstanceOf(IOException.class)
          .hasMessage(CTX + ": the encrypted value does not verify: it was altered, or copied from another row or column");
    }
    byte[] truncated = java.util.Arrays.copyOf(sealed, sealed.length - 1);
    assertThatThrownBy(() -> cipher.open(truncated, CTX)).hasMessageContaining("does not verify");
    assertThatThrownBy(() -> cipher.open(new byte[5], CTX))
        .hasMessage(CTX + ": not an encrypted value certfleet wrote (5 bytes, format 0)");
  }

  @Test
  void aWrongKeyIsNamedAsSuchNotReturnedAsGarbage() {
    byte[] right = randomKey();
    byte[] wrong = randomKey();
    KeyCipher sealer = new KeyCipher(right);
    KeyCipher other = new KeyCipher(wrong);
    byte[] sealed = sealer.seal(PLAIN, CTX);

    assertThatThrownBy(() -> other.open(sealed, CTX)).isInstanceOf(IOException.class)
        .hasMessage(CTX + ": encrypted with another key (key id " + sealer.keyId() + "); the configured"
            + " cluster.encryption-key has key id " + other.keyId() + "; configure the key the cluster was set up with")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(Base64.getEncoder().encodeToString(right))
            .doesNotContain(Base64.getEncoder().encodeToString(wrong)));
    // Even a forged key id does not let the other key open it: the tag still fails.
    byte[] forged = sealed.clone();
    System.arraycopy(java.util.HexFormat.of().parseHex(other.keyId()), 0, forged, 1, 8);
    assertThatThrownBy(() -> other.open(forged, CTX)).hasMessageContaining("does not verify");
  }

  @Test
  void aValueMovedToAnotherRowOrColumnDoesNotOpen() {
    KeyCipher cipher = new KeyCipher(randomKey());
    byte[] sealed = cipher.seal(PLAIN, CTX);

    for (String elsewhere : new String[] {"lineage_version/privkey/media.hachyderm.io/2",
        "lineage_version/privkey/files.hachyderm.io/3", "acme_order/key/media.hachyderm.io"}) {
      assertThatThrownBy(() -> cipher.open(sealed, elsewhere)).as(elsewhere)
          .hasMessage(elsewhere + ": the encrypted value does not verify: it was altered, or copied from another row or column");
    }
  }

  @Test
  void theKeyComesFromBase64Of32BytesAndErrorsNameOnlyTheReference() throws IOException {
    byte[] raw = randomKey();
    String encoded = Base64.getEncoder().encodeToString(raw);
    KeyCipher cipher = KeyCipher.fromSecret(new Secret(encoded + "\n", REF));
    assertThat(new KeyCipher(raw).open(cipher.seal(PLAIN, CTX), CTX)).isEqualTo(PLAIN);
    assertThat(cipher.toString()).isEqualTo("KeyCipher[key id " + cipher.keyId() + "]").doesNotContain(encoded);

    String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
    assertThatThrownBy(() -> KeyCipher.fromSecret(new Secret(shortKey, REF)))
        .hasMessage("the state encryption key ${env:CERTFLEET_STATE_KEY} holds 16 bytes; it must hold 32 (e.g. from"
            + " `openssl rand -base64 32`)");
    assertThatThrownBy(() -> KeyCipher.fromSecret(new Secret("not base64 at all!", REF)))
        .hasMessage("the state encryption key ${env:CERTFLEET_STATE_KEY} is not base64 (expected 32 random bytes, e.g."
            + " from `openssl rand -base64 32`)")
        .hasNoCause();
  }
}
