package org.certfleet.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The base URL of an HTTP API that certfleet sends credentials to (a DNS provider's, a chat server's):
 * only https, or plain http to a loopback address (tests, local proxies); no user info, query or
 * fragment.
 */
public final class ApiUrl {
  private ApiUrl() {}

  /**
   * @param example a URL of the expected shape, for the error message
   * @return {@code value} without trailing slashes
   * @throws IllegalArgumentException saying what is wrong with {@code value}
   */
  public static URI parse(String value, String example) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("\"" + value + "\" is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    if (!uri.isAbsolute() || host == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new IllegalArgumentException("\"" + value + "\" is not an http(s) URL with a host (expected e.g. " + example + ")");
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("must not carry user info, a query or a fragment");
    }
    boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    if (scheme.equals("http") && !loopback) {
      throw new IllegalArgumentException("plain http is allowed only to a loopback address; use https");
    }
    return URI.create(value.replaceAll("/+$", ""));
  }
}
