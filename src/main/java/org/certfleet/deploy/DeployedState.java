package org.certfleet.deploy;

import java.util.Objects;
import org.certfleet.cert.CertFacts;
import org.jspecify.annotations.Nullable;

/**
 * What a node holds for one certificate, as read over SSH without changing anything.
 *
 * @param location where the node's config points: the {@code live/} link target, or the flat file path
 * @param cert the certificate there, null when there is none or it does not parse ({@code problem} says)
 * @param keyMatches whether the private key there belongs to {@code cert}; null when either is missing
 * @param keyMode the private key file's permission bits, -1 when unknown
 * @param keyOwner the private key file's numeric owner, -1 when unknown
 * @param problem why the state could not be read completely, or null
 */
public record DeployedState(
    String node,
    String certName,
    @Nullable String location,
    @Nullable CertFacts cert,
    @Nullable Boolean keyMatches,
    int keyMode,
    int keyOwner,
    @Nullable String problem) {

  public DeployedState {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(certName, "certName");
  }
}
