package org.certfleet.store;

/**
 * The steps that change a lineage, in order; a {@link Checkpoint} is passed before each. A save runs
 * them all, {@code saveSuccessor} skips the switches, {@code activate} skips the writes. The intent
 * goes first so that whatever a crash interrupts afterwards can be undone from it.
 */
enum SaveStep {
  WRITE_INTENT,
  WRITE_CERT,
  WRITE_CHAIN,
  WRITE_FULLCHAIN,
  WRITE_PRIVKEY,
  SWITCH_CERT,
  SWITCH_CHAIN,
  SWITCH_FULLCHAIN,
  SWITCH_PRIVKEY,
  CLEAR_INTENT;

  static SaveStep write(PemFile file) {
    return valueOf("WRITE_" + file.name());
  }

  static SaveStep switchLink(PemFile file) {
    return valueOf("SWITCH_" + file.name());
  }
}
