package org.certfleet.alert;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.certfleet.config.SecretRef;
import org.certfleet.config.SecretResolver;

/**
 * A Matrix room, written to through the client-server API as {@code m.notice} events (the message type
 * for bots: clients never answer it automatically).
 *
 * <ul>
 *   <li>Each part is a {@code PUT …/rooms/{roomId}/send/m.room.message/{txnId}} whose txnId comes from
 *       the message id and the part number ({@link AlertMessage#partKey}). A retry, also in a later run,
 *       reuses it and the homeserver does not post the event again.
 *   <li>Text is split at line breaks into bodies of at most {@value #MAX_BODY} chars, far under the
 *       65,536-byte limit of a whole event. The HTML {@code formatted_body} (summary in bold) is left out
 *       of a part whose content would exceed {@value #MAX_CONTENT_BYTES} bytes of JSON (non-Latin text,
 *       many escapes); the plain {@code body} alone always fits.
 *   <li>Delivered means a 2xx whose JSON names the {@code event_id}.
 * </ul>
 */
final class MatrixChannel implements ChatChannel {
  static final int MAX_BODY = 16_000;
  static final int MAX_CONTENT_BYTES = 48_000;

  private final String channel;
  private final String name;
  private final String homeserver;
  private final String roomId;
  private final SecretRef accessToken;
  private final SecretResolver secrets;
  private final HttpPoster http;

  MatrixChannel(ChannelOptions options, String name, SecretResolver secrets, HttpPoster http) {
    this.channel = options.channel();
    this.name = name;
    this.homeserver = options.baseUrl("homeserver");
    this.roomId = options.require("room-id");
    // Room ids start with "!" (with or without ":server" since room version 12); an alias (#ops:example.org)
    // would need a directory lookup first and is refused rather than guessed at.
    if (!roomId.startsWith("!") || roomId.length() < 2 || roomId.chars().anyMatch(Character::isWhitespace)) {
      throw options.invalid("room-id", "\"" + roomId
          + "\" is not a room id (expected e.g. !abc:example.org, shown in the room's settings under Advanced)");
    }
    this.accessToken = options.secret("access-token");
    this.secrets = secrets;
    this.http = http;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(AlertMessage message) throws AlertDeliveryException, InterruptedException {
    Map<String, String> auth = Map.of("Authorization", "Bearer " + secrets.resolve(accessToken).reveal());
    List<String> parts = Splitter.split(message.text(), MAX_BODY);
    for (int i = 0; i < parts.size(); i++) {
      String url = homeserver + "/_matrix/client/v3/rooms/" + segment(roomId) + "/send/m.room.message/"
          + segment(message.partKey(i + 1));
      String answer = http.send(channel, "PUT", url, content(parts.get(i), i == 0), auth);
      if (!HttpPoster.hasValue(answer, "event_id")) {
        throw new AlertDeliveryException(channel + ": answered without an event_id");
      }
    }
  }

  /** The event content of one part; the first part's first line is the summary, shown in bold. */
  static String content(String body, boolean startsWithSummary) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("msgtype", "m.notice");
    c.put("body", body);
    c.put("format", "org.matrix.custom.html");
    c.put("formatted_body", html(body, startsWithSummary));
    String json = DiscordChannel.json(c);
    if (json.getBytes(StandardCharsets.UTF_8).length <= MAX_CONTENT_BYTES) {
      return json;
    }
    c.remove("format");
    c.remove("formatted_body");
    return DiscordChannel.json(c);
  }

  static String html(String text, boolean boldFirstLine) {
    String[] lines = text.split("\n", -1);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        b.append("<br>");
      }
      String line = escape(lines[i]);
      b.append(i == 0 && boldFirstLine && !line.isEmpty() ? "<strong>" + line + "</strong>" : line);
    }
    return b.toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
  }

  /** {@code s} as one URL path segment: {@code !abc:example.org} becomes {@code %21abc%3Aexample.org}. */
  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
