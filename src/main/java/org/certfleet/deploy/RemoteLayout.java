package org.certfleet.deploy;

import java.util.List;
import java.util.Optional;
import org.certfleet.cert.CertFacts;
import org.certfleet.cert.CertName;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.cert.Pem;
import org.certfleet.config.NodeSpec;
import org.certfleet.ssh.NodeAccessException;
import org.certfleet.ssh.NodeSession;

/**
 * Where a certificate's files live on a node and how a new version replaces the old one there.
 *
 * <p>The contract every layout keeps: {@link #stage} makes no change that nginx could see (new files
 * only, under names nothing points to) and removes what it wrote when it fails; {@link #activate}
 * switches atomically per file and, when it fails part-way, switches back what it switched;
 * {@link #restore} returns the node to exactly what {@link #stage} found; {@link #discard} removes the
 * staged files once nothing points to them.
 */
interface RemoteLayout {

  static RemoteLayout of(NodeSpec node, CertName cert) {
    return switch (node.layout()) {
      case CERTBOT -> new CertbotLayout(node, cert);
      case FLAT -> new FlatLayout(node, cert);
    };
  }

  /** The facts of the certificate the node's config points to now, when there is one that parses. */
  Optional<CertFacts> current(NodeSession s) throws NodeAccessException;

  /** What the node holds: certificate, key (checked against the certificate), key file mode and owner. */
  DeployedState inspect(NodeSession s) throws NodeAccessException;

  /** Uploads {@code bundle} without making it visible. */
  Staged stage(NodeSession s, CertificateBundle bundle) throws NodeAccessException;

  void activate(NodeSession s, Staged staged) throws NodeAccessException;

  void restore(NodeSession s, Staged staged) throws NodeAccessException;

  default void discard(NodeSession s, Staged staged) throws NodeAccessException {
    for (String f : staged.files()) {
      s.remove(f);
    }
  }

  /** Removes what a failed {@link #stage} wrote; returns {@code failure} with any clean-up error attached. */
  static NodeAccessException removeAfter(NodeAccessException failure, NodeSession s, List<String> written) {
    for (String f : written) {
      try {
        s.remove(f);
      } catch (NodeAccessException cleanup) {
        failure.addSuppressed(cleanup);
      }
    }
    return failure;
  }

  /** One line per change {@link #stage} and {@link #activate} would make, for a dry run. */
  List<String> plan(NodeSession s) throws NodeAccessException;

  /**
   * What was staged: the files written (paths on the node) and a description of the switch for the
   * audit log. Layout-specific state is kept by the layout implementation.
   */
  interface Staged {
    List<String> files();

    String target();
  }

  /**
   * Builds the state from what was read: {@code certPem}/{@code keyPem} empty when the file is missing.
   * The key is only parsed and compared here, never kept or printed.
   */
  static DeployedState state(NodeSession s, String cert, String location, Optional<byte[]> certPem,
      Optional<byte[]> keyPem, Optional<NodeSession.RemoteFile> keyFile) {
    String node = s.node().name();
    int mode = keyFile.map(NodeSession.RemoteFile::mode).orElse(-1);
    int owner = keyFile.map(NodeSession.RemoteFile::uid).orElse(-1);
    if (certPem.isEmpty()) {
      return new DeployedState(node, cert, location, null, null, mode, owner, "no certificate at " + location);
    }
    Optional<CertFacts> facts = firstCertificate(certPem.get());
    if (facts.isEmpty()) {
      return new DeployedState(node, cert, location, null, null, mode, owner, "the certificate at " + location
          + " does not parse");
    }
    if (keyPem.isEmpty()) {
      return new DeployedState(node, cert, location, facts.get(), null, mode, owner, "no private key next to " + location);
    }
    Boolean matches;
    try {
      var leaf = Pem.certificates(certPem.get()).get(0);
      matches = org.certfleet.cert.CertificateBundle.matches(Pem.privateKey(keyPem.get()), leaf.getPublicKey());
    } catch (RuntimeException e) {
      return new DeployedState(node, cert, location, facts.get(), false, mode, owner, "the private key does not parse");
    }
    return new DeployedState(node, cert, location, facts.get(), matches, mode, owner, null);
  }

  /** Parses the first certificate of a PEM file read from a node; empty when it does not parse. */
  static Optional<CertFacts> firstCertificate(byte[] pem) {
    try {
      var certs = Pem.certificates(pem);
      return certs.isEmpty() ? Optional.empty() : Optional.of(CertFacts.of(certs.get(0)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
