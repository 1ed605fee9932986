package org.certfleet.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.certfleet.cert.CertFacts;
import org.certfleet.cert.CertName;

/**
 * A certificate lineage as stored: its current version (what {@code live/} points to), every version
 * kept in {@code archive/}, and the facts of the current leaf.
 *
 * @param liveDir {@code <state>/live/<name>}, holding {@code cert.pem}, {@code chain.pem},
 *     {@code fullchain.pem} and {@code privkey.pem}
 */
public record Lineage(CertName name, int version, List<Integer> versions, CertFacts facts, Path liveDir) {
  public Lineage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(facts, "facts");
    Objects.requireNonNull(liveDir, "liveDir");
    versions = List.copyOf(versions);
  }

  public Path live(String kind) {
    return liveDir.resolve(kind + ".pem");
  }
}
