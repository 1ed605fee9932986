package org.certfleet.probe;

import java.util.Objects;

/** Where to probe: a node's address and TLS port, and the name to ask for with SNI. */
public record Endpoint(String address, int port, String sni) {
  public Endpoint {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(sni, "sni");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " out of range");
    }
  }

  @Override
  public String toString() {
    return sni + "@" + address + ":" + port;
  }
}
