/**
 * Time seams: the {@link org.certfleet.time.Sleeper} every poll loop waits through. Wall-clock time is
 * a {@link java.time.Clock} passed to constructors; both real implementations are created in {@code
 * Main} only.
 */
@NullMarked
package org.certfleet.time;

import org.jspecify.annotations.NullMarked;
