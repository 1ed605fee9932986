/**
 * When and how certificates are renewed: {@link org.certfleet.renewal.RenewalPolicy} decides, {@link
 * org.certfleet.renewal.RenewalService} runs issue, store and record for each certificate and
 * reports an outcome per certificate, and the ACME account and in-flight orders are kept in the
 * state directory.
 */
@NullMarked
package org.certfleet.renewal;

import org.jspecify.annotations.NullMarked;
