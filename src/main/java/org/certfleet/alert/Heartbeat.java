package org.certfleet.alert;

import java.util.Map;
import org.certfleet.config.SecretRef;
import org.certfleet.config.SecretResolver;
import org.certfleet.time.Sleeper;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-man's switch: pings {@code alerts.heartbeat-url} in the healthchecks.io convention —
 * {@code <url>/start} when a cycle begins, {@code <url>} when it succeeded, {@code <url>/fail} when it
 * did not — so a certfleet that stopped running is noticed by something outside it. A ping that fails
 * is logged and never fails the cycle; the URL (it holds the check's token) never appears in a log or
 * an error. Does nothing when no URL is configured.
 */
public final class Heartbeat {
  private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);
  private static final int MAX_BODY = 10_000;

  private final @Nullable SecretRef url;
  private final SecretResolver secrets;
  private final HttpPoster http;

  Heartbeat(@Nullable SecretRef url, SecretResolver secrets, HttpPoster http) {
    this.url = url;
    this.secrets = secrets;
    this.http = http;
  }

  public Heartbeat(@Nullable SecretRef url, SecretResolver secrets, Sleeper sleeper) {
    this(url, secrets, new HttpPoster(HttpPoster.defaultClient(), sleeper));
  }

  public boolean configured() {
    return url != null;
  }

  public void start() throws InterruptedException {
    ping("/start", "cycle started");
  }

  /** The cycle succeeded; {@code summary} goes into the ping's body (the check's log). */
  public void success(String summary) throws InterruptedException {
    ping("", summary);
  }

  public void fail(String summary) throws InterruptedException {
    ping("/fail", summary);
  }

  private void ping(String suffix, String body) throws InterruptedException {
    if (url == null) {
      return;
    }
    try {
      String base = secrets.resolve(url).reveal();
      int q = base.indexOf('?');
      String target = q < 0 ? strip(base) + suffix : strip(base.substring(0, q)) + suffix + base.substring(q);
      String text = body.length() > MAX_BODY ? body.substring(0, MAX_BODY) : body;
      http.post("heartbeat", target, DiscordChannel.json(Map.of("certfleet", text)), Map.of());
      log.debug("heartbeat{} sent", suffix);
    } catch (AlertDeliveryException | RuntimeException e) {
      log.warn("heartbeat{} not sent: {}", suffix, e instanceof AlertDeliveryException ? e.getMessage()
          : e.getClass().getSimpleName());
    }
  }

  private static String strip(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
