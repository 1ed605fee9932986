package org.certfleet.dns;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.certfleet.config.ApiUrl;
import org.certfleet.config.DurationText;
import org.certfleet.config.OptionSpec;
import org.certfleet.config.Secret;
import org.certfleet.config.SecretRef;
import org.certfleet.config.SecretResolver;
import org.jspecify.annotations.Nullable;

/**
 * A provider instance's options with its declared specs: defaults applied, unknown and missing
 * options rejected, and typed getters whose errors name the instance, type and option.
 */
public final class ProviderOptions {
  private static final Pattern HOST_PORT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3})(?::(\\d{1,5}))?");

  private final String prefix;
  private final Map<String, String> values;
  private final List<OptionSpec> specs;

  public ProviderOptions(String instance, String type, Map<String, String> values, List<OptionSpec> specs) {
    this.prefix = "dns provider " + instance + " (" + type + "): ";
    this.values = Map.copyOf(values);
    this.specs = List.copyOf(specs);
    Set<String> known = new HashSet<>();
    for (OptionSpec s : specs) {
      known.add(s.name());
      if (s.required() && !values.containsKey(s.name())) {
        throw new IllegalArgumentException(prefix + "option " + s.name() + " is required (" + s.description() + ")");
      }
    }
    for (String k : values.keySet()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException(prefix + "unknown option " + k + " (expected one of: "
            + String.join(", ", specs.stream().map(OptionSpec::name).toList()) + ")");
      }
    }
  }

  /** The value as written, else the spec's default, else null. */
  public @Nullable String get(String name) {
    String v = values.get(name);
    if (v != null) {
      return v;
    }
    return specs.stream().filter(s -> s.name().equals(name)).findFirst().map(OptionSpec::defaultValue).orElse(null);
  }

  public String require(String name) {
    String v = get(name);
    if (v == null) {
      throw invalid(name, "is required");
    }
    return v;
  }

  /** An IPv4 address with an optional port; the provider's servers are dialled by address, never looked up. */
  public InetSocketAddress hostPort(String name, int defaultPort) {
    String v = require(name);
    Matcher m = HOST_PORT.matcher(v);
    if (!m.matches()) {
      throw invalid(name, "\"" + v + "\" is not an IPv4 address with an optional port (expected e.g. 192.0.2.53:53)");
    }
    int port = m.group(2) == null ? defaultPort : Integer.parseInt(m.group(2));
    if (port < 1 || port > 65535) {
      throw invalid(name, "port " + port + " is out of range (expected 1 to 65535)");
    }
    return new InetSocketAddress(m.group(1), port);
  }

  /**
   * An API base URL without a trailing slash. Only https, or http to a loopback address (tests, local
   * proxies): credentials travel in its requests. User info, query and fragment are refused.
   */
  public URI url(String name) {
    String v = require(name);
    try {
      return ApiUrl.parse(v, "https://api.example.net/v1");
    } catch (IllegalArgumentException e) {
      throw invalid(name, e.getMessage());
    }
  }

  /** A duration written as in certs.yaml ({@code 500ms}, {@code 10s}, {@code 2m} …), above zero. */
  public Duration duration(String name) {
    String v = require(name);
    return DurationText.parse(v).filter(d -> !d.isNegative() && !d.isZero())
        .orElseThrow(() -> invalid(name, "\"" + v + "\" is not a duration above zero (expected e.g. 500ms, 10s, 2m)"));
  }

  public int integer(String name, int min, int max) {
    String v = require(name);
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(name, "\"" + v + "\" is not a whole number from " + min + " to " + max);
  }

  /** Resolves a secret option now; the message names the reference, never the value. */
  public Secret secret(String name, SecretResolver secrets) {
    String v = require(name);
    SecretRef ref = SecretRef.parse(v).orElseThrow(() -> invalid(name, "must be a secret reference (${env:NAME} or ${file:/path})"));
    try {
      return secrets.resolve(ref);
    } catch (SecretResolver.SecretException e) {
      throw invalid(name, e.getMessage());
    }
  }

  public IllegalArgumentException invalid(String name, String problem) {
    return new IllegalArgumentException(prefix + "option " + name + ": " + problem);
  }
}
