package org.certfleet.alert;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the alert book remembers between runs: the problems it has seen, which channel confirmed which
 * notice, and the messages still waiting for a channel. Mutable, and only ever used under the state
 * store's lock by one thread; persisted as JSON by {@link AlertStateStore}.
 */
public final class AlertState {
  /** Problems by key: open ones, and cleared ones whose "resolved" is still owed to some channel. */
  public Map<String, Tracked> problems = new LinkedHashMap<>();
  /** Messages not yet confirmed by every channel they are for, oldest first. */
  public List<Queued> outbox = new ArrayList<>();

  /** One problem. */
  public static final class Tracked {
    public String key = "";
    public @Nullable String fingerprint;
    public String severity = "warning";
    public String summary = "";
    public List<String> lines = new ArrayList<>();
    public Instant firstSeen = Instant.EPOCH;
    /** False once the problem cleared; the entry stays until every notified channel confirmed "resolved". */
    public boolean open = true;
    /**
     * Channel → when it last confirmed a notice about this problem. A channel is listed only once it
     * confirmed one, so "resolved" goes to exactly the channels that were told.
     */
    public Map<String, Instant> notified = new LinkedHashMap<>();
  }

  /** What a queued message is. */
  public enum Kind { FIRING, REPEAT, RESOLVED, EVENT }

  /** A message waiting for some channels. */
  public static final class Queued {
    public AlertMessage message = new AlertMessage("", "", "", "", List.of(), false);
    public Kind kind = Kind.EVENT;
    /** The problem the message is about, null for one-off events (a failed renewal, a report). */
    public @Nullable String problemKey;
    public @Nullable String fingerprint;
    /** Channels that have not confirmed it yet, in the order they are tried. */
    @JsonDeserialize(as = LinkedHashSet.class)
    public Set<String> channels = new LinkedHashSet<>();
    public Instant queuedAt = Instant.EPOCH;
    public int failedAttempts;
    public @Nullable String lastError;
  }
}
