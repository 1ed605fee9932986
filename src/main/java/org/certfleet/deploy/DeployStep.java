package org.certfleet.deploy;

/** The steps of one node's transaction, in order; a result names the last one reached. */
public enum DeployStep {
  CONNECT,
  INSPECT,
  UPLOAD,
  SWITCH,
  TEST,
  RELOAD,
  VERIFY,
  DONE;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
