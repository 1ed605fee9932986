package org.certfleet.ssh;

import java.util.Objects;

/**
 * What a remote command did.
 *
 * @param exitStatus the command's exit status; -1 when the server closed the channel without one
 *     (e.g. the command was killed by a signal)
 * @param stdout standard output, cut at {@link NodeSession#MAX_OUTPUT} bytes
 * @param stderr standard error, cut likewise
 */
public record ExecResult(String command, int exitStatus, String stdout, String stderr) {
  public ExecResult {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }

  public boolean ok() {
    return exitStatus == 0;
  }

  /**
   * Standard error (else standard output) on one line, lines joined with " / " and cut at 500
   * characters: nginx -t puts the useful line first and "test failed" last, so both are kept.
   */
  public String summary() {
    String text = stderr.isBlank() ? stdout : stderr;
    String joined = String.join(" / ", text.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
    return joined.length() <= 500 ? joined : joined.substring(0, 497) + "...";
  }
}
