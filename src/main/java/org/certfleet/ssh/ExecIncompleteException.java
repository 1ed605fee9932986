package org.certfleet.ssh;

import java.util.List;

/**
 * {@link NodeSession#execAll} could not see its commands through: the channel broke or the time ran
 * out while one of them ran. Says which commands had finished, and how, before that one.
 */
public final class ExecIncompleteException extends NodeAccessException {
  private static final long serialVersionUID = 1L;

  private final transient List<ExecResult> finished;

  public ExecIncompleteException(String message, List<ExecResult> finished) {
    super(message);
    this.finished = List.copyOf(finished);
  }

  /** The results of the commands that finished before the failure, in order (all succeeded). */
  public List<ExecResult> finished() {
    return finished;
  }
}
