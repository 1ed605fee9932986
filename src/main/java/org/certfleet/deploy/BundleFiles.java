package org.certfleet.deploy;

import java.util.EnumMap;
import java.util.Map;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.store.PemFile;

/**
 * A bundle and its four PEM files, encoded once for a whole rollout: every node gets the same bytes.
 * {@link #toString()} is Object's: never the key.
 */
final class BundleFiles {
  private final CertificateBundle bundle;
  private final Map<PemFile, byte[]> pem = new EnumMap<>(PemFile.class);

  BundleFiles(CertificateBundle bundle) {
    this.bundle = bundle;
    for (PemFile f : PemFile.values()) {
      pem.put(f, f.render(bundle));
    }
  }

  CertificateBundle bundle() {
    return bundle;
  }

  /** The file's bytes, shared by every node of the rollout: callers must not modify them. */
  byte[] pem(PemFile f) {
    return pem.get(f);
  }
}
