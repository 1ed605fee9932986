/**
 * Where certfleet keeps its state: {@link org.certfleet.state.StateStores} is the set of stores one
 * config uses (certificates and renewal metadata, the ACME account, the order journal, the alert state
 * with its outbox, the audit log). Without a {@code cluster:} section they are the files of the state
 * directory; with one they live in the shared PostgreSQL database, so that any instance can renew,
 * distribute and alert. Private keys in the database are sealed with AES-GCM ({@code KeyCipher}); the
 * key comes from a secret reference and is never stored.
 */
@NullMarked
package org.certfleet.state;

import org.jspecify.annotations.NullMarked;
