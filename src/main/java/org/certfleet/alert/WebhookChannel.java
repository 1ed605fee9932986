package org.certfleet.alert;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.certfleet.config.SecretRef;
import org.certfleet.config.SecretResolver;

/**
 * A generic JSON webhook in Alertmanager's webhook shape (version 4), so anything that accepts
 * Alertmanager notifications can take certfleet's: one alert per message, labelled with its key and
 * severity, the summary and text as annotations.
 */
final class WebhookChannel implements ChatChannel {
  private final String name;
  private final SecretRef url;
  private final SecretResolver secrets;
  private final HttpPoster http;
  private final Clock clock;

  WebhookChannel(String name, SecretRef url, SecretResolver secrets, HttpPoster http, Clock clock) {
    this.name = name;
    this.url = url;
    this.secrets = secrets;
    this.http = http;
    this.clock = clock;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(AlertMessage message) throws AlertDeliveryException, InterruptedException {
    Map<String, Object> alert = new LinkedHashMap<>();
    String status = message.resolved() ? "resolved" : "firing";
    alert.put("status", status);
    alert.put("labels", Map.of("alertname", message.key(), "severity", message.severity(), "source", "certfleet"));
    alert.put("annotations", Map.of("summary", message.summary(), "description", message.text()));
    alert.put(message.resolved() ? "endsAt" : "startsAt", clock.instant().toString());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("version", "4");
    body.put("status", status);
    body.put("receiver", name);
    body.put("groupKey", message.key());
    body.put("commonLabels", Map.of("alertname", message.key(), "severity", message.severity()));
    body.put("alerts", List.of(alert));
    http.post("webhook channel " + name, secrets.resolve(url).reveal(), DiscordChannel.json(body), Map.of());
  }
}
