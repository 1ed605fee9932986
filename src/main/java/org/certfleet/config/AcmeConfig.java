package org.certfleet.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import org.certfleet.cert.KeyType;
import org.jspecify.annotations.Nullable;

/**
 * The {@code acme:} section: which CA, who we are to it, and the defaults for every certificate.
 *
 * @param directory the directory URL, or an acme4j special URI ({@code acme://pebble}) for a shortcut
 * @param profile the default ACME profile, or null to let the CA choose
 * @param caCertificates extra CA certificates (PEM) trusted for the directory's TLS, e.g. a lab CA
 */
public record AcmeConfig(
    URI directory,
    String email,
    boolean agreeToTerms,
    KeyType keyType,
    @Nullable String profile,
    @Nullable Eab eab,
    @Nullable Path caCertificates) {

  public AcmeConfig {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(keyType, "keyType");
  }

  /** External Account Binding: the CA's key id and the reference to its HMAC key. */
  public record Eab(String keyId, SecretRef hmacKey) {
    public Eab {
      Objects.requireNonNull(keyId, "keyId");
      Objects.requireNonNull(hmacKey, "hmacKey");
    }
  }
}
