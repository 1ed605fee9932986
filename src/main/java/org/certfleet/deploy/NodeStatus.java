package org.certfleet.deploy;

/** How one node ended for one certificate. */
public enum NodeStatus {
  /** The new version was installed and the node serves it. */
  DEPLOYED,
  /** The node already held and served the current version; nothing was changed. */
  CURRENT,
  /** A step failed; the node was rolled back to what it had (the error says whether that was verified). */
  FAILED,
  /** Not attempted: the canary failed or the failure budget was used up. */
  NOT_TOUCHED,
  /** Dry run: what would happen. */
  PLANNED;

  /** Whether the node ends up serving the current version. */
  public boolean good() {
    return this == DEPLOYED || this == CURRENT;
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
