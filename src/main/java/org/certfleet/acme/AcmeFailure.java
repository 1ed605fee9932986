package org.certfleet.acme;

import java.time.Instant;
import java.util.Optional;
import org.certfleet.cert.CertName;
import org.jspecify.annotations.Nullable;

/**
 * Issuance of one certificate failed. The message names the certificate, the step and, where one is
 * involved, the domain: {@code media.hachyderm.io: validation of media.hachyderm.io: …}.
 */
public final class AcmeFailure extends Exception {
  private static final long serialVersionUID = 1L;
  private final CertName certificate;
  private final AcmeStep step;
  private final transient @Nullable Instant retryAfter;

  public AcmeFailure(CertName certificate, AcmeStep step, @Nullable String domain, String message,
      @Nullable Instant retryAfter, @Nullable Throwable cause) {
    super(certificate + ": " + step + (domain == null ? "" : " of " + domain) + ": " + message, cause);
    this.certificate = certificate;
    this.step = step;
    this.retryAfter = retryAfter;
  }

  public CertName certificate() {
    return certificate;
  }

  public AcmeStep step() {
    return step;
  }

  /** When the CA said to try again (rate limits), if it did. */
  public Optional<Instant> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
