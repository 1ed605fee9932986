package org.certfleet.cert;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The key algorithms certfleet generates for certificates, by their certs.yaml id. */
public enum KeyType {
  EC_P256("ec-p256"),
  EC_P384("ec-p384"),
  RSA_2048("rsa-2048"),
  RSA_3072("rsa-3072"),
  RSA_4096("rsa-4096");

  private final String id;

  KeyType(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Optional<KeyType> byId(String id) {
    String wanted = id.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(k -> k.id.equals(wanted)).findFirst();
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(KeyType::id).toList();
  }

  @Override
  public String toString() {
    return id;
  }
}
