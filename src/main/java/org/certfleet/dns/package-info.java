/**
 * DNS-01 record publishing: one small provider SPI ({@link org.certfleet.dns.DnsProvider}) with an
 * explicit registry ({@link org.certfleet.dns.DnsProviders}); following {@code _acme-challenge} CNAMEs
 * to the zone that really holds the record; and checking that every authoritative nameserver of that
 * zone answers with it before the CA is asked to look.
 */
@NullMarked
package org.certfleet.dns;

import org.jspecify.annotations.NullMarked;
