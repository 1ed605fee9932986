package org.certfleet.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@code alerts:} section.
 *
 * @param warnBefore alert when a certificate has less than this left (default 14 days)
 * @param repeatEvery repeat a still-open alert this often (default 24 hours)
 * @param heartbeatUrl reference to a dead-man's-switch URL pinged after each cycle, or null
 */
public record AlertConfig(
    Duration warnBefore, Duration repeatEvery, @Nullable SecretRef heartbeatUrl, List<PluginSpec> channels) {
  public AlertConfig {
    Objects.requireNonNull(warnBefore, "warnBefore");
    Objects.requireNonNull(repeatEvery, "repeatEvery");
    channels = List.copyOf(channels);
  }
}
