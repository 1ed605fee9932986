package org.certfleet.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.certfleet.config.SecretRef;
import org.certfleet.config.SecretResolver;

/**
 * A Discord webhook. Each message is an embed coloured by severity, the summary as its title and the
 * lines as its description, within Discord's limits (title {@value #MAX_TITLE}, description {@value
 * #MAX_DESCRIPTION}, {@value #MAX_EMBEDS} embeds and {@value #MAX_EMBEDS_TOTAL} characters across the
 * embeds of one message, content {@value #MAX_CONTENT}).
 *
 * <ul>
 *   <li>The description is cut at line breaks into pages of at most {@value #MAX_EMBEDS_TOTAL} minus
 *       {@value #MAX_TITLE} characters, one Discord message each, and a page into embeds of at most
 *       {@value #MAX_DESCRIPTION}. The first embed of every message has the title, numbered
 *       {@code (2/3)} when there are several messages. A summary longer than a title is cut there with
 *       {@code …} and repeated in full at the start of the description.
 *   <li>{@code content} is the summary, on the first message only: notifications and the channel list
 *       show content, not embeds.
 *   <li>Posts with {@code ?wait=true}, so Discord answers with the stored message: delivered means a
 *       2xx whose JSON has the message {@code id}. {@code allowed_mentions} is empty, so no text in an
 *       alert can ping anyone.
 * </ul>
 */
final class DiscordChannel implements ChatChannel {
  static final int MAX_CONTENT = 2000;
  static final int MAX_TITLE = 256;
  static final int MAX_DESCRIPTION = 4096;
  static final int MAX_EMBEDS = 10;
  static final int MAX_EMBEDS_TOTAL = 6000;
  static final int RED = 0xED4245;
  static final int AMBER = 0xFFB000;
  static final int BLUE = 0x3498DB;
  static final int GREY = 0x95A5A6;
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
    for (Map<String, Object> body : bodies(message, username)) {
      String answer = http.post("discord channel " + name, uri, json(body), Map.of());
      if (!HttpPoster.hasValue(answer, "id")) {
        throw new AlertDeliveryException("discord channel " + name + ": answered without a message id");
      }
    }
  }

  /** The webhook bodies for {@code message}, in order. */
  static List<Map<String, Object>> bodies(AlertMessage message, String username) {
    String summary = message.summary().strip();
    String title = cut(summary, MAX_TITLE);
    List<String> lines = new ArrayList<>();
    if (!title.equals(summary)) {
      lines.add(summary);
    }
    lines.addAll(message.lines());
    List<String> pages = lines.isEmpty() ? List.of("") : Splitter.split(String.join("\n", lines), MAX_EMBEDS_TOTAL - MAX_TITLE);
    List<Map<String, Object>> out = new ArrayList<>();
    for (int p = 0; p < pages.size(); p++) {
      List<Map<String, Object>> embeds = new ArrayList<>();
      // A page of at most 5,744 chars cut at line breaks into parts of 4,096 gives at most 3 embeds.
      for (String description : Splitter.split(pages.get(p), MAX_DESCRIPTION)) {
        Map<String, Object> embed = new LinkedHashMap<>();
        if (embeds.isEmpty() && !title.isEmpty()) {
          String n = pages.size() == 1 ? "" : " (" + (p + 1) + "/" + pages.size() + ")";
          embed.put("title", cut(summary, MAX_TITLE - n.length()) + n);
        }
        if (!description.isEmpty()) {
          embed.put("description", description);
        }
        embed.put("color", color(message.severity()));
        embeds.add(embed);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("username", username);
      if (p == 0 && !summary.isEmpty()) {
        body.put("content", cut(summary, MAX_CONTENT));
      }
      body.put("embeds", embeds);
      body.put("allowed_mentions", Map.of("parse", List.of()));
      out.add(body);
    }
    return out;
  }

  static int color(String severity) {
    return switch (severity) {
      case "critical" -> RED;
      case "warning" -> AMBER;
      case "info" -> BLUE;
      default -> GREY;
    };
  }

  /** {@code s}, or its start and {@code …} in {@code max} chars, never cut inside a surrogate pair. */
  static String cut(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = Character.isHighSurrogate(s.charAt(max - 2)) ? max - 2 : max - 1;
    return s.substring(0, end) + "…";
  }

  static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render a chat message", e);
    }
  }
}
