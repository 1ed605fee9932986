package org.certfleet.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.certfleet.cert.CertFacts;
import org.certfleet.cert.CertName;

/**
 * A certificate lineage as stored: its current version (what {@code live/} points to), every complete
 * version kept in {@code archive/}, and the facts of the current leaf. A snapshot: it does not follow
 * later saves.
 *
 * @param version the current version, the one {@code live/<name>/cert.pem} points to
 * @param versions every complete version, ascending; contains {@code version}
 * @param liveDir {@code <state>/live/<name>}, the directory nginx configurations point at
 */
public record Lineage(CertName name, int version, List<Integer> versions, CertFacts facts, Path liveDir) {
  public Lineage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(facts, "facts");
    Objects.requireNonNull(liveDir, "liveDir");
    versions = List.copyOf(versions);
  }

  /** The live path of {@code file}, e.g. {@code <state>/live/<name>/fullchain.pem}. */
  public Path live(PemFile file) {
    return liveDir.resolve(file.liveName());
  }
}
