package org.certfleet.config;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to a secret kept outside certs.yaml: {@code ${env:NAME}} or {@code ${file:/abs/path}}.
 *
 * <p>{@link #toString()} returns the reference as written, never the value; resolve it with {@link
 * SecretResolver} at the moment it is used.
 */
public record SecretRef(Kind kind, String target) {

  /** Where the secret lives. */
  public enum Kind {
    ENV,
    FILE
  }

  private static final Pattern FORM =
      Pattern.compile("\\$\\{(env|file):([^}]+)}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public SecretRef {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(target, "target");
  }

  /**
   * Parses {@code text} as a whole-value reference.
   *
   * @return empty when {@code text} is not a reference at all, or names an invalid variable or a
   *     relative path
   */
  public static Optional<SecretRef> parse(String text) {
    Matcher m = FORM.matcher(text.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    String target = m.group(2);
    if (m.group(1).equals("env")) {
      return ENV_NAME.matcher(target).matches()
          ? Optional.of(new SecretRef(Kind.ENV, target))
          : Optional.empty();
    }
    return target.startsWith("/") ? Optional.of(new SecretRef(Kind.FILE, target)) : Optional.empty();
  }

  /** True when {@code text} looks like an attempt at a reference (starts with {@code ${}). */
  public static boolean looksLikeReference(String text) {
    return text.strip().startsWith("${");
  }

  @Override
  public String toString() {
    return "${" + kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + target + "}";
  }
}
