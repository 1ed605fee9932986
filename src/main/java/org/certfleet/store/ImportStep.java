package org.certfleet.store;

/**
 * The steps of adopting one certbot lineage, in order; a {@link Checkpoint} is passed before each.
 * Everything is built under dot-named staging directories and renamed into place, and a marker in
 * the archive directory stays until the last step, so an interrupted import is recognisable and
 * removed whole.
 */
enum ImportStep {
  STAGE_ARCHIVE,
  STAGE_LIVE,
  MOVE_ARCHIVE,
  MOVE_LIVE,
  CLEAR_MARKER
}
