package org.certfleet.alert;

import java.util.ArrayList;
import java.util.List;

/** Cuts text into parts of at most a channel's limit, at line breaks where possible. */
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
        parts.add(line.substring(0, max));
        line = line.substring(max);
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
