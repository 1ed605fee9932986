package org.certfleet.time;

import java.time.Duration;

/**
 * Waits. Injected everywhere a component pauses (polling a CA, DNS propagation, probe retries) so
 * tests advance a fake clock instead of sleeping; the real one is built in {@code Main}.
 */
@FunctionalInterface
public interface Sleeper {
  /** Blocks for {@code duration}; returns early only by throwing when interrupted. */
  void sleep(Duration duration) throws InterruptedException;
}
