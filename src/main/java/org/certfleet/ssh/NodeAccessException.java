package org.certfleet.ssh;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A node could not be reached, authenticated against, or did not do what it was asked. The message
 * starts with the node's name and address and never contains key material or secrets.
 */
public sealed class NodeAccessException extends IOException permits ExecIncompleteException {
  private static final long serialVersionUID = 1L;

  public NodeAccessException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  public NodeAccessException(String message) {
    super(message);
  }
}
