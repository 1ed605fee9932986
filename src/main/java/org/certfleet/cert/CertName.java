package org.certfleet.cert;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of a certificate lineage. It becomes a directory name under the state directory and on
 * every node ({@code archive/<name>/}, {@code live/<name>/}), so it is restricted to a charset that
 * can never escape those directories: lowercase letters, digits, dot, hyphen, underscore; not
 * starting with a dot, no {@code ..}, at most 64 characters.
 */
public record CertName(String value) {
  private static final Pattern FORM = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public CertName {
    Objects.requireNonNull(value, "value");
    if (!FORM.matcher(value).matches() || value.contains("..")) {
      throw new IllegalArgumentException(
          "\"" + value + "\" is not a valid certificate name (expected lowercase letters, digits, '.', '-', '_';"
              + " no '/', no '..', not starting with '.'; at most 64 characters)");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
