/**
 * The audit log: one JSON object per line in {@code <state>/audit.jsonl} for every change certfleet
 * makes on a node (file written, link switched, command run, rollback), appended and never rewritten.
 * Entries carry names, paths, serials and fingerprints, never key material or secrets.
 */
@NullMarked
package org.certfleet.audit;

import org.jspecify.annotations.NullMarked;
