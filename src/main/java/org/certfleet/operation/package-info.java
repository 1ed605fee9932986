/**
 * The operations certfleet performs — renew and distribute, distribute, scan and alert, report — as one
 * implementation that the one-shot commands and the daemon's jobs both call. Rendering, exit codes
 * and scheduling stay with the callers.
 */
@NullMarked
package org.certfleet.operation;

import org.jspecify.annotations.NullMarked;
