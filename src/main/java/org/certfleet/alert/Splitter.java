package org.certfleet.alert;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts text into parts of at most a channel's limit in UTF-16 chars (never fewer than the code points
 * or characters the chat services count), at line breaks where possible; the line break at a cut is
 * dropped. A line longer than the limit is cut, never inside a surrogate pair.
 */
final class Splitter {
  private Splitter() {}

  static List<String> split(String text, int max) {
    List<String> parts = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      while (line.length() > max) {
        if (cur.length() > 0) {
          parts.add(cur.toString());
          cur.setLength(0);
        }
        // Never between the two halves of a surrogate pair (an emoji, say): both parts would be invalid.
        int cut = max > 1 && Character.isHighSurrogate(line.charAt(max - 1)) ? max - 1 : max;
        parts.add(line.substring(0, cut));
        line = line.substring(cut);
      }
      if (cur.length() > 0 && cur.length() + 1 + line.length() > max) {
        parts.add(cur.toString());
        cur.setLength(0);
      }
      if (cur.length() > 0) {
        cur.append('\n');
      }
      cur.append(line);
    }
    if (cur.length() > 0 || parts.isEmpty()) {
      parts.add(cur.toString());
    }
    return parts;
  }
}
