package org.certfleet.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Resolves {@link SecretRef}s against the process environment and the file system.
 *
 * <p>File secrets have one trailing newline stripped (what {@code echo > file} leaves behind). Error
 * messages name the reference, never a value.
 */
public final class SecretResolver {
  private final Function<String, String> env;

  /** @param env looks up an environment variable; returns null when unset */
  public SecretResolver(Function<String, String> env) {
    this.env = Objects.requireNonNull(env, "env");
  }

  public static SecretResolver system() {
    return new SecretResolver(System::getenv);
  }

  /**
   * Returns the secret's value.
   *
   * @throws SecretException when the variable is unset or empty, or the file cannot be read
   */
  public Secret resolve(SecretRef ref) {
    return new Secret(
        switch (ref.kind()) {
          case ENV -> fromEnv(ref);
          case FILE -> fromFile(ref);
        },
        ref);
  }

  /** Returns why {@code ref} cannot be resolved, or empty when it can. Reads, but keeps no value. */
  public Optional<String> problem(SecretRef ref) {
    try {
      resolve(ref);
      return Optional.empty();
    } catch (SecretException e) {
      return Optional.of(e.getMessage());
    }
  }

  private String fromEnv(SecretRef ref) {
    String value = env.apply(ref.target());
    if (value == null || value.isEmpty()) {
      throw new SecretException(ref + ": environment variable " + ref.target() + " is not set");
    }
    return value;
  }

  private static String fromFile(SecretRef ref) {
    Path path = Path.of(ref.target());
    try {
      String value = Files.readString(path, StandardCharsets.UTF_8);
      if (value.endsWith("\n")) {
        value = value.substring(0, value.length() - 1);
      }
      if (value.isEmpty()) {
        throw new SecretException(ref + ": file is empty");
      }
      return value;
    } catch (IOException e) {
      // The exception text of a failed read names the path only, never contents.
      throw new SecretException(ref + ": cannot read file (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** A secret reference that cannot be resolved; the message names the reference only. */
  public static final class SecretException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SecretException(String message) {
      super(message);
    }
  }
}
