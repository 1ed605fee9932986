package org.certfleet.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads typed values out of a composed YAML node tree while collecting every problem, each with the
 * node's line and column, instead of stopping at the first one. Getters return null (or empty) when
 * the value is missing or wrong; the caller carries on so that later fields are checked too.
 */
final class YamlReader {
  private final String file;
  private final List<ConfigError> errors = new ArrayList<>();

  YamlReader(String file) {
    this.file = file;
  }

  List<ConfigError> errors() {
    return errors.stream()
        .sorted(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column))
        .toList();
  }

  void error(@Nullable Node at, String path, String message) {
    Optional<Mark> mark = at == null ? Optional.empty() : at.getStartMark();
    errors.add(
        new ConfigError(
            file,
            mark.map(m -> m.getLine() + 1).orElse(0),
            mark.map(m -> m.getColumn() + 1).orElse(0),
            path,
            message));
  }

  /** Opens {@code node} as a mapping, or records an error and returns null. */
  @Nullable Mapping mapping(@Nullable Node node, String path) {
    if (node == null || isNull(node)) {
      return null;
    }
    if (!(node instanceof MappingNode m)) {
      error(node, path, "expected a mapping of keys to values, found " + describe(node));
      return null;
    }
    return new Mapping(m, path);
  }

  /** The items of a sequence, or of a single scalar when {@code singleAllowed}; empty on error. */
  List<Node> sequence(@Nullable Node node, String path) {
    if (node == null || isNull(node)) {
      return List.of();
    }
    if (node instanceof SequenceNode s) {
      return s.getValue();
    }
    error(node, path, "expected a list, found " + describe(node));
    return List.of();
  }

  @Nullable String string(@Nullable Node node, String path) {
    if (node == null || isNull(node)) {
      return null;
    }
    if (!(node instanceof ScalarNode s)) {
      error(node, path, "expected a text value, found " + describe(node));
      return null;
    }
    String v = s.getValue();
    if (v.isBlank()) {
      error(node, path, "must not be empty");
      return null;
    }
    return v;
  }

  /** A string that must have been quoted if YAML would read it as a number (file modes like "0600"). */
  @Nullable String quotedString(@Nullable Node node, String path, String example) {
    if (node instanceof ScalarNode s && !s.getTag().equals(Tag.STR)) {
      error(node, path, "must be a quoted string (expected e.g. " + example + "; YAML reads " + s.getValue() + " as a number)");
      return null;
    }
    return string(node, path);
  }

  @Nullable Integer integer(@Nullable Node node, String path, int min, int max) {
    if (node == null || isNull(node)) {
      return null;
    }
    if (!(node instanceof ScalarNode s) || !s.getTag().equals(Tag.INT)) {
      error(node, path, "expected a whole number from " + min + " to " + max + ", found " + describe(node));
      return null;
    }
    try {
      int v = Integer.parseInt(s.getValue());
      if (v < min || v > max) {
        error(node, path, v + " is out of range (expected " + min + " to " + max + ")");
        return null;
      }
      return v;
    } catch (NumberFormatException e) {
      error(node, path, s.getValue() + " is out of range (expected " + min + " to " + max + ")");
      return null;
    }
  }

  @Nullable Boolean bool(@Nullable Node node, String path) {
    if (node == null || isNull(node)) {
      return null;
    }
    if (!(node instanceof ScalarNode s) || !s.getTag().equals(Tag.BOOL)) {
      error(node, path, "expected true or false, found " + describe(node));
      return null;
    }
    return Boolean.parseBoolean(s.getValue());
  }

  /** Parses a scalar with {@code parser}; on failure records "{value}: {message}". */
  <T> @Nullable T parsed(@Nullable Node node, String path, Function<String, T> parser) {
    String text = string(node, path);
    if (text == null) {
      return null;
    }
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      error(node, path, e.getMessage());
      return null;
    }
  }

  static boolean isNull(Node node) {
    return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
  }

  static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    ScalarNode s = (ScalarNode) node;
    String kind =
        s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT)
            ? "number"
            : s.getTag().equals(Tag.BOOL) ? "boolean" : s.getTag().equals(Tag.NULL) ? "null" : "text";
    return kind + " \"" + s.getValue() + "\"";
  }

  /** A mapping whose keys are consumed one by one; {@link #finish()} reports the unconsumed ones. */
  final class Mapping {
    private final MappingNode node;
    private final String path;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final List<String> consumed = new ArrayList<>();

    Mapping(MappingNode node, String path) {
      this.node = node;
      this.path = path;
      for (NodeTuple t : node.getValue()) {
        if (!(t.getKeyNode() instanceof ScalarNode k) || isNull(k)) {
          error(t.getKeyNode(), path, "keys must be plain names, found " + describe(t.getKeyNode()));
          continue;
        }
        if (entries.containsKey(k.getValue())) {
          int first = entries.get(k.getValue()).getKeyNode().getStartMark().map(m -> m.getLine() + 1).orElse(0);
          error(k, child(k.getValue()), "duplicate key (first defined on line " + first + ")");
          continue;
        }
        entries.put(k.getValue(), t);
      }
    }

    Node node() {
      return node;
    }

    String path() {
      return path;
    }

    String child(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
      return entries.containsKey(key) && !isNull(entries.get(key).getValueNode());
    }

    /** The value node of {@code key}, marking the key as known; null when absent. */
    @Nullable Node get(String key) {
      consumed.add(key);
      NodeTuple t = entries.get(key);
      return t == null ? null : t.getValueNode();
    }

    /** Like {@link #get} but records "required field is missing" when absent or null. */
    @Nullable Node require(String key, String expected) {
      Node v = get(key);
      if (v == null || isNull(v)) {
        error(v == null ? node : v, child(key), "required field is missing (expected " + expected + ")");
        return null;
      }
      return v;
    }

    /** Every key in document order with its value node. */
    Map<String, Node> all() {
      Map<String, Node> out = new LinkedHashMap<>();
      entries.forEach((k, t) -> out.put(k, t.getValueNode()));
      consumed.addAll(entries.keySet());
      return out;
    }

    Node keyNode(String key) {
      return entries.get(key).getKeyNode();
    }

    /** Records an error for every key that no getter asked for. */
    void finish() {
      List<String> known = List.copyOf(consumed);
      for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
        if (!known.contains(e.getKey())) {
          error(e.getValue().getKeyNode(), child(e.getKey()), unknownKey(e.getKey(), known));
        }
      }
    }
  }

  static String unknownKey(String key, List<String> known) {
    String suggestion =
        known.stream()
            .filter(k -> editDistance(k, key) <= Math.max(2, key.length() / 4))
            .min(Comparator.comparingInt(k -> editDistance(k, key)))
            .map(k -> "did you mean \"" + k + "\"? ")
            .orElse("");
    return "unknown key (" + suggestion + "expected one of: " + String.join(", ", known.stream().distinct().toList()) + ")";
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
