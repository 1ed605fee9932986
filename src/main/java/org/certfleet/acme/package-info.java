/**
 * Issuance over ACME (RFC 8555) with acme4j, DNS-01 only: account, order, publishing every challenge
 * record before triggering any, polling the CA about once a second (honouring Retry-After), always
 * cleaning up, and downloading the chain. DNS work goes through {@link org.certfleet.acme.Dns01Solver}.
 */
@NullMarked
package org.certfleet.acme;

import org.jspecify.annotations.NullMarked;
