package org.certfleet.acme;

import java.io.IOException;
import java.net.URL;
import java.security.KeyPair;
import java.util.Objects;
import java.util.Optional;
import org.certfleet.cert.CertName;
import org.jspecify.annotations.Nullable;

/**
 * Remembers an order in flight so that a crash resumes it instead of ordering again, and keeps the
 * new private key from before finalization until the certificate is stored: a certificate the CA
 * issued for a key we lost would be useless.
 */
public interface OrderJournal {

  Optional<PendingOrder> pending(CertName name) throws IOException;

  /** Records the order (and, once generated, its key) durably before the next step proceeds. */
  void record(CertName name, PendingOrder order) throws IOException;

  /** Forgets the order once its certificate is stored, or once it can no longer be used. */
  void clear(CertName name) throws IOException;

  /**
   * @param keyPair the key the CSR is (or will be) signed with, null until generated
   */
  record PendingOrder(URL location, @Nullable KeyPair keyPair) {
    public PendingOrder {
      Objects.requireNonNull(location, "location");
    }

    @Override
    public String toString() {
      return "PendingOrder[" + location + (keyPair == null ? "" : ", with key") + "]";
    }
  }
}
