/**
 * The local, certbot-compatible certificate store: {@code archive/<name>/{cert,chain,fullchain,privkey}N.pem}
 * with relative {@code live/<name>/*.pem} symlinks to the current version, per-lineage metadata in
 * {@code meta/<name>.json}, certbot import, and the one-writer {@link org.certfleet.store.StoreLock}.
 * Every write is temp file, fsync, atomic rename, fsync of the directory, and a failed or crashed
 * write is rolled back to the previous version. Private keys are 0600 from their first byte,
 * certificates 0644, directories 0700.
 */
@NullMarked
package org.certfleet.store;

import org.jspecify.annotations.NullMarked;
