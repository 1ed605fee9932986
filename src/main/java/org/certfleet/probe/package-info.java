/**
 * Asks a node what it actually serves: a TLS handshake to the node's own address with SNI for a name,
 * recording the chain it presents. Trust is judged separately from the recording, so an expired or
 * wrong certificate is still seen and reported rather than hidden behind a handshake error.
 */
@NullMarked
package org.certfleet.probe;

import org.jspecify.annotations.NullMarked;
