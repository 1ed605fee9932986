package org.certfleet.alert;

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
