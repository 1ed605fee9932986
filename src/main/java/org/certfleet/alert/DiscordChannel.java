package org.certfleet.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.certfleet.config.SecretRef;
import org.certfleet.config.SecretResolver;

/**
 * A Discord webhook. Posts with {@code ?wait=true} so Discord answers with the created message and a
 * 2xx means it was stored, and splits text at line breaks into messages of at most 2,000 characters
 * (Discord's content limit).
 */
final class DiscordChannel implements ChatChannel {
  static final int MAX_CONTENT = 2000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final SecretRef url;
  private final String username;
  private final SecretResolver secrets;
  private final HttpPoster http;

  DiscordChannel(String name, SecretRef url, String username, SecretResolver secrets, HttpPoster http) {
    this.name = name;
    this.url = url;
    this.username = username;
    this.secrets = secrets;
    this.http = http;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(AlertMessage message) throws AlertDeliveryException, InterruptedException {
    String base = secrets.resolve(url).reveal();
    String uri = base + (base.contains("?") ? "&" : "?") + "wait=true";
    for (String part : Splitter.split(message.text(), MAX_CONTENT)) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("username", username);
      body.put("content", part);
      body.put("allowed_mentions", Map.of("parse", List.of()));
      http.post("discord channel " + name, uri, json(body), Map.of());
    }
  }

  static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render a chat message", e);
    }
  }
}
