package org.certfleet.store;

import java.io.IOException;

/**
 * Called before each step of a save. Production passes {@link #NONE}; tests throw here to prove that
 * a failure between any two steps leaves the previous version live.
 */
@FunctionalInterface
public interface Checkpoint {
  Checkpoint NONE = step -> {};

  void reached(SaveStep step) throws IOException;
}
