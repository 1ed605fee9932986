package org.certfleet.alert;

import java.util.Map;
import org.certfleet.config.SecretRef;
import org.certfleet.config.SecretResolver;

/**
 * A Slack incoming webhook. Slack answers 200 with the body {@code ok} only when it posted the
 * message; anything else (even a 200 with another body) is a failure. Text is split at 3,900
 * characters, under Slack's 4,000 recommendation for one message.
 */
final class SlackChannel implements ChatChannel {
  static final int MAX_TEXT = 3900;

  private final String name;
  private final SecretRef url;
  private final SecretResolver secrets;
  private final HttpPoster http;

  SlackChannel(String name, SecretRef url, SecretResolver secrets, HttpPoster http) {
    this.name = name;
    this.url = url;
    this.secrets = secrets;
    this.http = http;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(AlertMessage message) throws AlertDeliveryException, InterruptedException {
    String uri = secrets.resolve(url).reveal();
    for (String part : Splitter.split(message.text(), MAX_TEXT)) {
      String body = http.post("slack channel " + name, uri, DiscordChannel.json(Map.of("text", part)), Map.of());
      if (!body.strip().equals("ok")) {
        throw new AlertDeliveryException("slack channel " + name + ": answered without \"ok\"");
      }
    }
  }
}
