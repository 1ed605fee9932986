package org.certfleet.alert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.certfleet.config.SecretRef;
import org.certfleet.config.SecretResolver;

/**
 * Direct messages on a Mastodon instance: {@code POST /api/v1/statuses} with {@code visibility=direct},
 * the recipients mentioned at the start of every status.
 *
 * <ul>
 *   <li>Each part carries an {@code Idempotency-Key} derived from the message id and the part number
 *       ({@link AlertMessage#partKey}); Mastodon keeps keys for an hour, so a retry within that time
 *       never posts twice.
 *   <li>Text is split at line breaks so that each status, mentions included, has at most {@code
 *       max-characters} (the instance's limit, 500 by default) counted as UTF-16 chars: never fewer than
 *       Mastodon counts, except that it counts every {@code http(s)://} link as 23.
 *   <li>An {@code @} in the text is followed by a word joiner (U+2060, invisible): a mention in an error
 *       text must not add a recipient who could then read the direct message.
 *   <li>Delivered means a 2xx whose JSON has the status {@code id}.
 * </ul>
 */
final class MastodonChannel implements ChatChannel {
  /** Mastodon's username rule, and a host name; {@code @user} is an account on the sender's instance. */
  private static final Pattern ACCOUNT = Pattern.compile(
      "@[A-Za-z0-9_]+(?:[A-Za-z0-9_.-]+[A-Za-z0-9_])?(?:@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)?");
  /** Fewer characters per status than this after the mentions would cut a message into too many posts. */
  static final int MIN_TEXT = 100;
  private static final String WORD_JOINER = "\u2060";

  private final String channel;
  private final String name;
  private final String instance;
  private final SecretRef accessToken;
  private final String mentions;
  private final int maxText;
  private final SecretResolver secrets;
  private final HttpPoster http;

  MastodonChannel(ChannelOptions options, String name, SecretResolver secrets, HttpPoster http) {
    this.channel = options.channel();
    this.name = name;
    this.instance = options.baseUrl("instance");
    this.accessToken = options.secret("access-token");
    this.mentions = String.join(" ", recipients(options)) + " ";
    int max = options.integer("max-characters", MIN_TEXT, 1_000_000);
    this.maxText = max - mentions.length();
    if (maxText < MIN_TEXT) {
      throw options.invalid("max-characters", max + " leaves " + maxText + " characters per status after the recipients"
          + " (at least " + MIN_TEXT + " needed)");
    }
    this.secrets = secrets;
    this.http = http;
  }

  /** The recipients as written, each checked to be {@code @user} or {@code @user@host}. */
  static List<String> recipients(ChannelOptions options) {
    List<String> out = new ArrayList<>();
    for (String r : options.require("recipients").split(",", -1)) {
      String a = r.strip();
      if (!ACCOUNT.matcher(a).matches()) {
        throw options.invalid("recipients", "\"" + a + "\" is not an account (expected a comma-separated list of"
            + " @user or @user@host, e.g. @admin@hachyderm.io)");
      }
      if (!out.contains(a)) {
        out.add(a);
      }
    }
    return out;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(AlertMessage message) throws AlertDeliveryException, InterruptedException {
    String auth = "Bearer " + secrets.resolve(accessToken).reveal();
    List<String> parts = Splitter.split(message.text().replace("@", "@" + WORD_JOINER), maxText);
    for (int i = 0; i < parts.size(); i++) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", mentions + parts.get(i));
      body.put("visibility", "direct");
      String answer = http.post(channel, instance + "/api/v1/statuses", DiscordChannel.json(body),
          Map.of("Authorization", auth, "Idempotency-Key", message.partKey(i + 1)));
      if (!HttpPoster.hasValue(answer, "id")) {
        throw new AlertDeliveryException(channel + ": answered without a status id");
      }
    }
  }
}
