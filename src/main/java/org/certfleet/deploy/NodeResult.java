package org.certfleet.deploy;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one certificate on one node.
 *
 * @param fromSerial the serial the node held before, null when it held none or could not be read
 * @param toSerial the serial of the version being distributed
 * @param step the last step reached ({@link DeployStep#DONE} on success)
 * @param detail the error of a failure, the reason a node was not touched, or a dry run's plan
 */
public record NodeResult(
    String cert,
    String node,
    NodeStatus status,
    DeployStep step,
    @Nullable String fromSerial,
    String toSerial,
    int version,
    Duration took,
    @Nullable String detail) {

  public NodeResult {
    Objects.requireNonNull(cert, "cert");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(toSerial, "toSerial");
    Objects.requireNonNull(took, "took");
  }
}
