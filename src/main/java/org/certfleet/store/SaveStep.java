package org.certfleet.store;

/** The steps of saving a new version, in order; a {@link Checkpoint} is passed before each. */
public enum SaveStep {
  WRITE_CERT,
  WRITE_CHAIN,
  WRITE_FULLCHAIN,
  WRITE_PRIVKEY,
  WRITE_INTENT,
  SWITCH_CERT,
  SWITCH_CHAIN,
  SWITCH_FULLCHAIN,
  SWITCH_PRIVKEY,
  CLEAR_INTENT
}
