/**
 * The {@code cloudflare} provider: Cloudflare's API v4 over the JDK's HTTP client with an API token.
 * Its JSON handling and envelope checks stay inside the package.
 */
@NullMarked
package org.certfleet.dns.cloudflare;

import org.jspecify.annotations.NullMarked;
