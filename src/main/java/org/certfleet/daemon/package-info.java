/**
 * The background service: Quartz schedules the operations (renewal checks per certificate, the
 * monitoring cycle, the expiry report), one in-process lock keeps them from overlapping, signals stop
 * and reload it, and the status server shows what it does.
 */
@NullMarked
package org.certfleet.daemon;

import org.jspecify.annotations.NullMarked;
