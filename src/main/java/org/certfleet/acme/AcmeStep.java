package org.certfleet.acme;

/** The steps of one issuance, named in errors so an operator knows where it stopped. */
public enum AcmeStep {
  ACCOUNT("account"),
  DIRECTORY("directory"),
  ORDER("order"),
  AUTHORIZE("authorization"),
  PUBLISH("dns-01 publish"),
  VALIDATE("validation"),
  CLEANUP("dns-01 clean-up"),
  FINALIZE("finalize"),
  DOWNLOAD("download"),
  RENEWAL_INFO("renewal info");

  private final String label;

  AcmeStep(String label) {
    this.label = label;
  }

  @Override
  public String toString() {
    return label;
  }
}
