package org.certfleet.dns;

import java.util.List;
import java.util.Map;
import org.certfleet.config.OptionSpec;
import org.certfleet.config.SecretResolver;

/**
 * Describes and creates one provider type. The options it lists drive config validation, the CLI's
 * help and docs/dns-providers.md.
 */
public interface DnsProviderFactory {

  /** The type id used in certs.yaml, e.g. {@code rfc2136}. */
  String id();

  /** Other ids accepted for the same type. */
  List<String> aliases();

  /** One paragraph for the docs. */
  String description();

  List<OptionSpec> options();

  /**
   * Creates a provider. Checks every option before any network call.
   *
   * @param instance the provider's name in certs.yaml, used in every message
   * @throws IllegalArgumentException naming the instance, type and option, e.g. {@code dns provider
   *     bind (rfc2136): option server: "x:y" is not host:port}
   */
  DnsProvider create(String instance, Map<String, String> options, SecretResolver secrets);
}
