package org.certfleet.inventory;

/** What can be wrong, with the severity each kind has. */
public enum FindingType {
  /** Less than {@code alerts.warn-before} left (for lifetimes under 30 days: less than a quarter). */
  EXPIRING(Severity.WARNING),
  EXPIRED(Severity.CRITICAL),
  /** Renewal is due by the certificate's own schedule and the last attempt failed. */
  RENEWAL_FAILING(Severity.WARNING),
  /** A node holds or serves something other than the current version. */
  DRIFT(Severity.WARNING),
  /** A node's private key does not belong to the certificate next to it. */
  KEY_MISMATCH(Severity.CRITICAL),
  /** The served certificate does not cover the name asked for. */
  NAME_MISMATCH(Severity.CRITICAL),
  /** The served chain does not validate against the trusted roots. */
  CHAIN_INVALID(Severity.CRITICAL),
  /** A node (SSH) or an endpoint (TLS) did not answer. */
  UNREACHABLE(Severity.WARNING),
  /** An extra probed name serves a certificate certfleet does not manage. */
  UNKNOWN_CERT(Severity.INFO);

  private final Severity severity;

  FindingType(Severity severity) {
    this.severity = severity;
  }

  public Severity severity() {
    return severity;
  }
}
