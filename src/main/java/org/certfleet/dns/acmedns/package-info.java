/**
 * The {@code acme-dns} provider: the {@code /update} call of joohoi/acme-dns, for an {@code
 * _acme-challenge} name delegated by CNAME to an account's subdomain on an acme-dns server.
 */
@NullMarked
package org.certfleet.dns.acmedns;

import org.jspecify.annotations.NullMarked;
