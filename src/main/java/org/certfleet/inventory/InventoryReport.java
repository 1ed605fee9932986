package org.certfleet.inventory;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.certfleet.cert.CertFacts;
import org.certfleet.deploy.DeployedState;
import org.certfleet.store.LineageMetadata;
import org.jspecify.annotations.Nullable;

/** One inventory scan: every certificate with its issued, deployed and served views, and the findings. */
public record InventoryReport(Instant at, List<CertView> certificates, List<Finding> findings) {
  public InventoryReport {
    Objects.requireNonNull(at, "at");
    certificates = List.copyOf(certificates);
    findings = List.copyOf(findings);
  }

  /** The worst severity found, or null when there is no finding. */
  public @Nullable Severity worst() {
    return findings.stream().map(Finding::severity).max(Enum::compareTo).orElse(null);
  }

  /**
   * One certificate.
   *
   * @param issued the store's current version, null when never issued
   * @param version the current version number, 0 when never issued
   * @param lastRenewalFailure the most recent failed renewal attempt the store remembers, or null
   * @param failuresSinceSuccess failed attempts since the last successful one
   * @param names the names the certificate is for, as configured
   * @param profile the ACME profile asked for, or null for the CA's default
   * @param nextRenewal when the renewal policy will next renew it; null when it is due now
   * @param renewal the renewal policy's reason, e.g. {@code due at …, inside the CA's renewal window …}
   */
  public record CertView(String cert, @Nullable CertFacts issued, int version,
      LineageMetadata.@Nullable RenewalAttempt lastRenewalFailure, int failuresSinceSuccess, List<NodeView> nodes,
      List<String> names, @Nullable String profile, @Nullable Instant nextRenewal, String renewal) {
    public CertView {
      nodes = List.copyOf(nodes);
      names = List.copyOf(names);
      Objects.requireNonNull(renewal, "renewal");
    }

    /** A view without the configured names and renewal plan (tests and views built by hand). */
    public CertView(String cert, @Nullable CertFacts issued, int version,
        LineageMetadata.@Nullable RenewalAttempt lastRenewalFailure, int failuresSinceSuccess, List<NodeView> nodes) {
      this(cert, issued, version, lastRenewalFailure, failuresSinceSuccess, nodes,
          issued == null ? List.of() : issued.sans(), null, null, "");
    }
  }

  /**
   * One certificate on one node.
   *
   * @param deployed what the node's files hold; null when the node could not be reached
   * @param unreachable why the node's files could not be read, or null
   */
  public record NodeView(String node, @Nullable DeployedState deployed, @Nullable String unreachable,
      List<ServedView> served) {
    public NodeView {
      served = List.copyOf(served);
    }
  }

  /**
   * What one name served on one node.
   *
   * @param leaf the served leaf, null when the handshake failed ({@code error} says why)
   * @param chainProblem why the served chain does not validate, or null when it does
   */
  public record ServedView(String name, String endpoint, @Nullable CertFacts leaf, @Nullable String chainProblem,
      @Nullable String error) {}
}
