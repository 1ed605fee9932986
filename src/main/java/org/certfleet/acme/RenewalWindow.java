package org.certfleet.acme;

import java.net.URL;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The CA's suggested renewal window for one certificate (ACME Renewal Information, RFC 9773), as it
 * answered at one moment.
 *
 * @param explanation the CA's page explaining the window (an incident, say), or null
 * @param retryAfter when the CA asked to be asked again, or null when it did not say
 */
public record RenewalWindow(Instant start, Instant end, @Nullable URL explanation, @Nullable Instant retryAfter) {
  public RenewalWindow {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (end.isBefore(start)) {
      throw new IllegalArgumentException("the suggested window ends (" + end + ") before it starts (" + start + ")");
    }
  }
}
