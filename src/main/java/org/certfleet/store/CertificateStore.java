package org.certfleet.store;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.certfleet.cert.CertName;
import org.certfleet.cert.CertificateBundle;

/**
 * Where issued certificates and their keys live, as numbered versions per lineage with one current
 * version. Reads need no lock and see either the state before or after a write. Writes need the
 * store to have been opened with the state lock held, and throw {@link IllegalStateException}
 * otherwise. Storage-agnostic: the file store is the default, a database could implement it too.
 *
 * <p>Every write is all or nothing: when one fails, the store is as it was before the call, and the
 * exception names the lineage, the version and the step.
 */
public interface CertificateStore {

  /** The lineage with its current version, or empty when it has no current version. */
  Optional<Lineage> find(CertName name) throws IOException;

  /** Every lineage that has a current version, by name. */
  List<Lineage> list() throws IOException;

  /** Every complete version of {@code name}, ascending; empty for an unknown name. */
  List<Integer> versions(CertName name) throws IOException;

  /**
   * Version {@code version} of a lineage, parsed and checked.
   *
   * @throws IOException naming the files when they are missing, do not parse or do not match
   */
  CertificateBundle load(CertName name, int version) throws IOException;

  /** The current version of {@code lineage}, as {@link #load(CertName, int)}. */
  default CertificateBundle load(Lineage lineage) throws IOException {
    return load(lineage.name(), lineage.version());
  }

  /**
   * Stores {@code bundle} as the lineage's next version (one above the highest it ever had) without
   * making it current (certbot's {@code save_successor}).
   *
   * @return the new version number
   */
  int saveSuccessor(CertName name, CertificateBundle bundle) throws IOException;

  /**
   * Makes a complete, loadable version current. Activating the current version again is allowed
   * and changes nothing visible.
   *
   * @throws IOException when the version is missing, incomplete or does not load; nothing changed
   */
  Lineage activate(CertName name, int version) throws IOException;

  /**
   * Stores {@code bundle} as the lineage's next version and makes it current, as one operation: on
   * any failure the new version is removed again and the previous one stays current, byte for byte.
   */
  Lineage save(CertName name, CertificateBundle bundle) throws IOException;

  /** The lineage's metadata; {@link LineageMetadata#empty} when none was written yet. */
  LineageMetadata metadata(CertName name) throws IOException;

  /** Replaces the metadata of {@link LineageMetadata#name()} atomically. */
  void writeMetadata(LineageMetadata metadata) throws IOException;
}
