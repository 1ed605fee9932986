/**
 * The inventory: every certificate seen three ways and compared — issued (the local store), deployed
 * (each node's files, over SSH) and served (a TLS handshake to each node's own address with SNI for
 * each name) — and the findings that follow, each with a stable key so alerting can tell a new
 * problem from one it already reported.
 */
@NullMarked
package org.certfleet.inventory;

import org.jspecify.annotations.NullMarked;
