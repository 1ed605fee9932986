package org.certfleet.web;

/**
 * Where the status server gets the daemon's state, once per request that needs it (not for {@code
 * /metrics}). Called on the server's own threads, so it must be thread-safe, and it should return
 * quickly from state already in memory: a slow source holds one of the server's few threads.
 */
@FunctionalInterface
public interface StatusSource {
  StatusSnapshot snapshot();
}
