package org.certfleet.cli;

/** The process exit codes every command uses; documented in README.md and {@code --help}. */
public final class ExitCodes {
  public static final int OK = 0;
  /** The command ran and failed. */
  public static final int FAILURE = 1;
  /** Bad command line or config; nothing was changed. */
  public static final int BAD_INPUT = 2;
  /** Some items (certificates, nodes) succeeded and some failed. */
  public static final int PARTIAL = 3;
  /** Another process holds the state directory lock. */
  public static final int LOCKED = 4;

  private ExitCodes() {}
}
