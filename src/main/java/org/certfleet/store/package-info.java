/**
 * The local, certbot-compatible certificate store: {@code archive/<name>/{cert,chain,fullchain,privkey}N.pem}
 * with relative {@code live/<name>/*.pem} symlinks to the current version, per-lineage metadata, and
 * the one-writer lock on the state directory. Every write is temp file, fsync, atomic rename; private
 * keys are 0600 from their first byte and directories 0700.
 */
@NullMarked
package org.certfleet.store;

import org.jspecify.annotations.NullMarked;
