package org.certfleet.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.certfleet.config.Secret;

/**
 * Seals private keys before they go into the database: AES-256-GCM with a random 96-bit nonce per
 * value. A sealed value is {@code 0x01 | key id (8) | nonce (12) | ciphertext | tag (16)}. The
 * associated data is the header plus a context naming the row and column the value belongs to (e.g.
 * {@code lineage_version/privkey/media.hachyderm.io/3}), so a value copied into another row, or into
 * another column, does not open.
 *
 * <p>The key id is the first 8 bytes of HMAC-SHA256(key, "certfleet key id"): it tells "sealed with
 * another key" apart from "altered" without revealing anything usable about the key. Neither the key
 * nor plaintext ever appears in a message. Thread-safe.
 */
final class KeyCipher {
  static final int KEY_BYTES = 32;
  private static final byte FORMAT = 1;
  private static final int ID_BYTES = 8;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int HEADER = 1 + ID_BYTES;

  private final SecretKeySpec key;
  private final byte[] keyId;
  private final SecureRandom random = new SecureRandom();

  KeyCipher(byte[] key) {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException("the state encryption key must be " + KEY_BYTES + " bytes, not " + key.length);
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      this.keyId = Arrays.copyOf(mac.doFinal("certfleet key id".getBytes(StandardCharsets.US_ASCII)), ID_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /**
   * The cipher for a resolved {@code cluster.encryption-key}: the base64 of 32 random bytes (e.g.
   * {@code openssl rand -base64 32}).
   *
   * @throws IllegalArgumentException naming the reference, never the value, when it is not such a key
   */
  static KeyCipher fromSecret(Secret secret) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(secret.reveal().strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the state encryption key " + secret.source()
          + " is not base64 (expected 32 random bytes, e.g. from `openssl rand -base64 32`)");
    }
    try {
      if (raw.length != KEY_BYTES) {
        throw new IllegalArgumentException("the state encryption key " + secret.source() + " holds " + raw.length
            + " bytes; it must hold " + KEY_BYTES + " (e.g. from `openssl rand -base64 32`)");
      }
      return new KeyCipher(raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /** The key id in hex, safe to show: it identifies the key without revealing it. */
  String keyId() {
    return HexFormat.of().formatHex(keyId);
  }

  /** Seals {@code plaintext} for the row and column {@code context} names. */
  byte[] seal(byte[] plaintext, String context) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    ByteBuffer out = ByteBuffer.allocate(HEADER + NONCE_BYTES + plaintext.length + TAG_BITS / 8);
    out.put(FORMAT).put(keyId).put(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad(Arrays.copyOf(out.array(), HEADER), context));
      out.put(c.doFinal(plaintext));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
    }
    return out.array();
  }

  /**
   * Opens a value {@link #seal sealed} for {@code context}.
   *
   * @throws IOException naming {@code context} when the value was sealed with another key, was altered,
   *     belongs to another row or column, or is not a sealed value at all
   */
  byte[] open(byte[] sealed, String context) throws IOException {
    if (sealed.length < HEADER + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != FORMAT) {
      throw new IOException(context + ": not an encrypted value certfleet wrote (" + sealed.length + " bytes"
          + (sealed.length > 0 ? ", format " + sealed[0] : "") + ")");
    }
    byte[] storedId = Arrays.copyOfRange(sealed, 1, HEADER);
    if (!MessageDigest.isEqual(storedId, keyId)) {
      throw new IOException(context + ": encrypted with another key (key id " + HexFormat.of().formatHex(storedId)
          + "); the configured cluster.encryption-key has key id " + keyId() + "; configure the key the cluster"
          + " was set up with");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, HEADER, NONCE_BYTES));
      c.updateAAD(aad(Arrays.copyOf(sealed, HEADER), context));
      return c.doFinal(sealed, HEADER + NONCE_BYTES, sealed.length - HEADER - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new IOException(context + ": the encrypted value does not verify: it was altered, or copied from"
          + " another row or column");
    } catch (GeneralSecurityException e) {
      throw new IOException(context + ": cannot decrypt: " + e.getMessage(), e);
    }
  }

  private static byte[] aad(byte[] header, String context) {
    byte[] ctx = context.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(header.length + ctx.length).put(header).put(ctx).array();
  }

  @Override
  public String toString() {
    return "KeyCipher[key id " + keyId() + "]";
  }
}
