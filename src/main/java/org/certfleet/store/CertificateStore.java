package org.certfleet.store;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.certfleet.cert.CertName;
import org.certfleet.cert.CertificateBundle;

/**
 * Where issued certificates and their keys live. Reads need no lock; writes need the store to have
 * been opened with the state lock held. Storage-agnostic: the file store is the default.
 */
public interface CertificateStore {

  Optional<Lineage> find(CertName name) throws IOException;

  /** Every lineage, by name. */
  List<Lineage> list() throws IOException;

  /** Version {@code version} of a lineage, parsed and checked. */
  CertificateBundle load(CertName name, int version) throws IOException;

  /**
   * Stores {@code bundle} as the lineage's next version and makes it current. On any failure the
   * previous version stays current, byte for byte, and the exception says which step failed.
   */
  Lineage save(CertName name, CertificateBundle bundle) throws IOException;

  LineageMetadata metadata(CertName name) throws IOException;

  void writeMetadata(LineageMetadata metadata) throws IOException;
}
