package org.certfleet.alert;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.certfleet.config.AlertConfig;
import org.certfleet.config.OptionSpec;
import org.certfleet.config.PluginCatalog;
import org.certfleet.config.PluginSpec;
import org.certfleet.config.SecretResolver;
import org.certfleet.time.Sleeper;

/**
 * The chat channel types certs.yaml may name under {@code alerts.channels}, with the options each
 * takes. Config validation reads this catalog, and {@link #create} builds each sender from the same
 * option specs (their defaults included).
 */
public final class AlertChannels {
  private AlertChannels() {}

  /**
   * Creates the configured channels. A channel whose options are unusable (a malformed URL, a recipient
   * that is not an account) gives a channel that fails every delivery saying why, so a configured
   * channel is never silently dropped and the others still get every message.
   */
  public static List<ChatChannel> create(AlertConfig config, SecretResolver secrets, Clock clock, Sleeper sleeper) {
    HttpPoster http = new HttpPoster(HttpPoster.defaultClient(), sleeper);
    PluginCatalog catalog = standard();
    List<ChatChannel> out = new ArrayList<>();
    for (PluginSpec spec : config.channels()) {
      try {
        out.add(create(spec, catalog, secrets, http, clock));
      } catch (IllegalArgumentException e) {
        out.add(new Unusable(spec.name(), e.getMessage()));
      }
    }
    return out;
  }

  private static ChatChannel create(PluginSpec spec, PluginCatalog catalog, SecretResolver secrets, HttpPoster http,
      Clock clock) {
    ChannelOptions o = new ChannelOptions(spec, catalog.options(spec.type()).orElseThrow(() -> new IllegalArgumentException(
        "alert channel " + spec.name() + ": unknown type " + spec.type())));
    return switch (spec.type()) {
      case "discord" -> new DiscordChannel(spec.name(), o.secret("webhook-url"), o.require("username"), secrets, http);
      case "slack" -> new SlackChannel(spec.name(), o.secret("webhook-url"), secrets, http);
      case "webhook" -> new WebhookChannel(spec.name(), o.secret("url"), secrets, http, clock);
      case "matrix" -> new MatrixChannel(o, spec.name(), secrets, http);
      case "mastodon" -> new MastodonChannel(o, spec.name(), secrets, http);
      default -> throw new IllegalArgumentException("alert channel " + spec.name() + ": no sender for type " + spec.type());
    };
  }

  /** A configured channel that cannot be used; every delivery fails with {@code problem}. */
  private record Unusable(String name, String problem) implements ChatChannel {
    @Override
    public void send(AlertMessage message) throws AlertDeliveryException {
      throw new AlertDeliveryException(problem);
    }
  }

  /** The channel types certfleet supports. */
  public static PluginCatalog standard() {
    Map<String, List<OptionSpec>> t = new LinkedHashMap<>();
    t.put("discord", List.of(
        OptionSpec.requiredSecret("webhook-url", "the channel's webhook URL (Server Settings → Integrations → Webhooks)"),
        OptionSpec.optional("username", "certfleet", "name shown as the message author")));
    t.put("slack", List.of(
        OptionSpec.requiredSecret("webhook-url", "the incoming-webhook URL of the channel")));
    t.put("matrix", List.of(
        OptionSpec.required("homeserver", "base URL of the homeserver, e.g. https://matrix.example.org"),
        OptionSpec.required("room-id", "the room's id, e.g. !abc:example.org"),
        OptionSpec.requiredSecret("access-token", "access token of the bot account that posts")));
    t.put("mastodon", List.of(
        OptionSpec.required("instance", "base URL of the instance, e.g. https://hachyderm.io"),
        OptionSpec.requiredSecret("access-token", "access token with the write:statuses scope"),
        OptionSpec.required("recipients", "comma-separated accounts that get the direct message, e.g. @admin@hachyderm.io"),
        OptionSpec.optional("max-characters", "500", "the instance's status length limit (configuration.statuses"
            + ".max_characters of GET /api/v2/instance); longer messages are split, each status with the mentions")));
    t.put("webhook", List.of(
        OptionSpec.requiredSecret("url", "URL that receives Alertmanager-shaped JSON posts")));
    return PluginCatalog.of("alert channel", t);
  }
}
