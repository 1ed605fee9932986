/**
 * The {@code exec} provider: runs a program, lego-compatible ({@code present|cleanup FQDN VALUE}),
 * with the same values in environment variables, so any DNS service can be scripted.
 */
@NullMarked
package org.certfleet.dns.exec;

import org.jspecify.annotations.NullMarked;
