package org.certfleet.inventory;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * Validates a served chain as a browser would (PKIX, at the scan's time, no revocation checking):
 * against the JDK's trusted roots plus the configured extra CA bundle (a private or lab CA).
 */
final class ChainCheck {
  private final Set<TrustAnchor> anchors = new HashSet<>();

  ChainCheck(List<X509Certificate> extraRoots) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((KeyStore) null);
      for (var tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          for (X509Certificate c : x.getAcceptedIssuers()) {
            anchors.add(new TrustAnchor(c, null));
          }
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the JDK's trusted roots: " + e.getMessage(), e);
    }
    extraRoots.forEach(c -> anchors.add(new TrustAnchor(c, null)));
  }

  /** Null when {@code chain} (leaf first) validates at {@code at}, else why not, in one line. */
  @Nullable String problem(List<X509Certificate> chain, Instant at) {
    if (chain.isEmpty()) {
      return "no certificate";
    }
    List<X509Certificate> path = new ArrayList<>(chain);
    // A server may send its root too; the path handed to PKIX ends below the anchor.
    while (path.size() > 1 && path.get(path.size() - 1).getSubjectX500Principal()
        .equals(path.get(path.size() - 1).getIssuerX500Principal())) {
      path.remove(path.size() - 1);
    }
    try {
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      params.setDate(Date.from(at));
      CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
      return null;
    } catch (CertPathValidatorException e) {
      return e.getReason() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    } catch (GeneralSecurityException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }
}
