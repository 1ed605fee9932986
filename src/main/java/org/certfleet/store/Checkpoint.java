package org.certfleet.store;

import java.io.IOException;

/**
 * Called before each step that changes the state directory ({@link SaveStep}, {@link ImportStep}).
 * Production uses {@link #NONE}; tests throw here to prove that a failure between any two steps
 * leaves the previous state intact.
 */
@FunctionalInterface
interface Checkpoint {
  Checkpoint NONE = step -> {};

  void reached(Enum<?> step) throws IOException;
}
