package org.certfleet.config;

import java.util.List;
import java.util.Objects;

/** A named set of nodes that certificates can be deployed to as one. */
public record GroupSpec(String name, List<String> nodes) {
  public GroupSpec {
    Objects.requireNonNull(name, "name");
    nodes = List.copyOf(nodes);
  }
}
