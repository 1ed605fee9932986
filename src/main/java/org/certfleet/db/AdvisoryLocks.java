package org.certfleet.db;

import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Keys of PostgreSQL advisory locks: one 64-bit number per (namespace, name), the first eight bytes
 * of SHA-256 over both. Stable across versions, processes and machines (unlike {@code hashCode}), so
 * every instance locks the same key for the same certificate; a collision of two names would make them
 * wait for each other, never run together.
 */
public final class AdvisoryLocks {
  private AdvisoryLocks() {}

  public static long key(String namespace, String name) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(namespace.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(name.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(sha.digest()).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
