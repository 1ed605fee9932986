/**
 * The {@code rfc2136} provider: TSIG-signed dynamic updates (dnsjava) to a primary nameserver such as
 * BIND, Knot or PowerDNS. Checks the response code and the response's TSIG itself.
 */
@NullMarked
package org.certfleet.dns.rfc2136;

import org.jspecify.annotations.NullMarked;
