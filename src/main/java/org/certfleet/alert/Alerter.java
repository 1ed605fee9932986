package org.certfleet.alert;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a message to every configured channel. Never throws for delivery problems: each channel's
 * outcome is returned and logged, so a dead chat never hides the failure being reported.
 */
public final class Alerter {
  private static final Logger log = LoggerFactory.getLogger(Alerter.class);

  private final List<ChatChannel> channels;

  public Alerter(List<ChatChannel> channels) {
    this.channels = List.copyOf(channels);
  }

  /** What one channel did with a message; {@code error} is null when it confirmed delivery. */
  public record Delivery(String channel, @Nullable String error) {
    public boolean ok() {
      return error == null;
    }
  }

  public List<Delivery> send(AlertMessage message) throws InterruptedException {
    List<Delivery> out = new ArrayList<>();
    for (ChatChannel c : channels) {
      try {
        c.send(message);
        log.info("alert {} sent to {}", message.key(), c.name());
        out.add(new Delivery(c.name(), null));
      } catch (AlertDeliveryException | RuntimeException e) {
        log.error("alert {} NOT delivered: {}", message.key(), e.getMessage());
        out.add(new Delivery(c.name(), e.getMessage()));
      }
    }
    return out;
  }

  public boolean hasChannels() {
    return !channels.isEmpty();
  }
}
