package org.certfleet.testing.acme;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.certfleet.time.Sleeper;

/** A UTC clock that moves only when told; its {@link #sleeper()} advances it instead of waiting. */
public final class MutableClock extends Clock {
  private volatile Instant now;

  public MutableClock(Instant start) {
    this.now = start;
  }

  public synchronized void set(Instant t) {
    now = t;
  }

  public synchronized void advance(Duration d) {
    now = now.plus(d);
  }

  /** Sleeping advances the clock by the requested time and returns at once. */
  public Sleeper sleeper() {
    return this::advance;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("MutableClock is UTC only");
  }
}
