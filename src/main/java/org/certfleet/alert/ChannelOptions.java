package org.certfleet.alert;

import java.util.List;
import java.util.Map;
import org.certfleet.config.ApiUrl;
import org.certfleet.config.OptionSpec;
import org.certfleet.config.PluginSpec;
import org.certfleet.config.SecretRef;
import org.jspecify.annotations.Nullable;

/**
 * One channel's options with the catalog's defaults applied, and typed getters whose errors name the
 * channel and the option ({@code mastodon channel ops: option recipients: …}), never a secret value.
 */
final class ChannelOptions {
  private final String channel;
  private final Map<String, String> values;
  private final List<OptionSpec> specs;

  ChannelOptions(PluginSpec spec, List<OptionSpec> specs) {
    this.channel = spec.type() + " channel " + spec.name();
    this.values = spec.options();
    this.specs = List.copyOf(specs);
  }

  /** How errors name the channel, e.g. {@code matrix channel ops}. */
  String channel() {
    return channel;
  }

  /** The value as written, else the catalog's default, else null. */
  @Nullable String get(String name) {
    String v = values.get(name);
    if (v != null) {
      return v;
    }
    return specs.stream().filter(s -> s.name().equals(name)).findFirst().map(OptionSpec::defaultValue).orElse(null);
  }

  String require(String name) {
    String v = get(name);
    if (v == null || v.isBlank()) {
      throw invalid(name, "is required");
    }
    return v.strip();
  }

  /** A secret option's reference; it is resolved only when a message is sent. */
  SecretRef secret(String name) {
    return SecretRef.parse(require(name))
        .orElseThrow(() -> invalid(name, "must be a secret reference (${env:NAME} or ${file:/path})"));
  }

  /**
   * A base URL without trailing slashes. Only https, or http to a loopback address (tests, local
   * proxies): the access token travels in its requests. User info, query and fragment are refused.
   */
  String baseUrl(String name) {
    String v = require(name);
    try {
      return ApiUrl.parse(v, "https://example.org").toString();
    } catch (IllegalArgumentException e) {
      throw invalid(name, e.getMessage());
    }
  }

  int integer(String name, int min, int max) {
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

  IllegalArgumentException invalid(String name, String problem) {
    return new IllegalArgumentException(channel + ": option " + name + ": " + problem);
  }
}
