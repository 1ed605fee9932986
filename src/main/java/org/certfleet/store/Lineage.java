package org.certfleet.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.certfleet.cert.CertFacts;
import org.certfleet.cert.CertName;
import org.jspecify.annotations.Nullable;

/**
 * A certificate lineage as stored: its current version (what {@code live/} points to), every complete
 * version kept in {@code archive/}, and the facts of the current leaf. A snapshot: it does not follow
 * later saves.
 *
 * @param version the current version, the one {@code live/<name>/cert.pem} points to
 * @param versions every complete version, ascending; contains {@code version}
 * @param liveDir {@code <state>/live/<name>}, the directory nginx configurations point at; null for a
 *     store without local files (the shared database of a cluster)
 */
public record Lineage(CertName name, int version, List<Integer> versions, CertFacts facts, @Nullable Path liveDir) {
  public Lineage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(facts, "facts");
    versions = List.copyOf(versions);
  }

  /**
   * The live path of {@code file}, e.g. {@code <state>/live/<name>/fullchain.pem}.
   *
   * @throws IllegalStateException when the lineage has no live directory ({@link #liveDir} is null)
   */
  public Path live(PemFile file) {
    if (liveDir == null) {
      throw new IllegalStateException(name + " is kept in a store without local files; it has no live/ path");
    }
    return liveDir.resolve(file.liveName());
  }
}
