package org.certfleet.alert;

import java.time.Clock;
import java.util.ArrayList;
import org.certfleet.config.AlertConfig;
import org.certfleet.config.PluginSpec;
import org.certfleet.config.SecretRef;
import org.certfleet.config.SecretResolver;
import org.certfleet.time.Sleeper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.certfleet.config.OptionSpec;
import org.certfleet.config.PluginCatalog;

/**
 * The chat channel types certs.yaml may name under {@code alerts.channels}, with the options each
 * takes. Config validation reads this catalog; the senders that use the options are added to the
 * same registry as each channel is built.
 */
public final class AlertChannels {
  private AlertChannels() {}

  /**
   * Creates the configured channels. Types whose sender is not built yet (matrix, mastodon) give a
   * channel that fails every delivery saying so, so a configured channel is never silently dropped.
   */
  public static List<ChatChannel> create(AlertConfig config, SecretResolver secrets, Clock clock, Sleeper sleeper) {
    HttpPoster http = new HttpPoster(HttpPoster.defaultClient(), sleeper);
    List<ChatChannel> out = new ArrayList<>();
    for (PluginSpec spec : config.channels()) {
      out.add(switch (spec.type()) {
        case "discord" -> new DiscordChannel(spec.name(), ref(spec, "webhook-url"),
            spec.options().getOrDefault("username", "certfleet"), secrets, http);
        case "slack" -> new SlackChannel(spec.name(), ref(spec, "webhook-url"), secrets, http);
        case "webhook" -> new WebhookChannel(spec.name(), ref(spec, "url"), secrets, http, clock);
        default -> new NotBuiltYet(spec.name(), spec.type());
      });
    }
    return out;
  }

  private static SecretRef ref(PluginSpec spec, String option) {
    String text = spec.options().get(option);
    return SecretRef.parse(text == null ? "" : text).orElseThrow(() -> new IllegalArgumentException(
        "alert channel " + spec.name() + ": option " + option + " is not a secret reference"));
  }

  /** A channel type config accepts but certfleet cannot send to yet; every delivery fails saying so. */
  private record NotBuiltYet(String name, String type) implements ChatChannel {
    @Override
    public void send(AlertMessage message) throws AlertDeliveryException {
      throw new AlertDeliveryException(type + " channel " + name + ": sending to " + type + " is not built yet");
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
        OptionSpec.required("recipients", "comma-separated accounts that get the direct message, e.g. @admin@hachyderm.io")));
    t.put("webhook", List.of(
        OptionSpec.requiredSecret("url", "URL that receives Alertmanager-shaped JSON posts")));
    return PluginCatalog.of("alert channel", t);
  }
}
