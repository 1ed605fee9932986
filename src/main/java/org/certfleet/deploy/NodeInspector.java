package org.certfleet.deploy;

import org.certfleet.cert.CertName;
import org.certfleet.ssh.NodeAccessException;
import org.certfleet.ssh.NodeSession;

/** Reads what a node holds for a certificate, in the node's layout, changing nothing (for inventory). */
public final class NodeInspector {
  private NodeInspector() {}

  public static DeployedState inspect(NodeSession session, CertName cert) throws NodeAccessException {
    return RemoteLayout.of(session.node(), cert).inspect(session);
  }
}
