package org.certfleet.alert;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.certfleet.alert.AlertState.Kind;
import org.certfleet.alert.AlertState.Queued;
import org.certfleet.alert.AlertState.Tracked;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what to tell the chat channels and makes sure it arrives.
 *
 * <p>A problem is announced to each channel once when it appears, again every {@code repeatEvery}
 * while it lasts, and "resolved" goes to every channel that was told once it clears. A new
 * fingerprint under the same key (a new certificate) is a new problem. A channel counts as told only
 * when it confirmed delivery; until then the message waits in the outbox with its id (so channels with
 * idempotent sends never show a retry twice) and is retried on every flush, in this run or the next.
 * A channel that fails once is not tried again within the same flush, so a dead chat costs one
 * timeout per run, not one per message. Messages older than {@link #MAX_QUEUE_AGE} are dropped with
 * an error in the log; open problems are announced again by their repeat anyway.
 *
 * <p>Every call holds the store's lock for its whole duration. Thread-safe through that lock.
 */
public final class AlertBook {
  private static final Logger log = LoggerFactory.getLogger(AlertBook.class);
  static final Duration LOCK_WAIT = Duration.ofMinutes(5);
  static final Duration MAX_QUEUE_AGE = Duration.ofDays(7);
  static final int MAX_QUEUE = 1000;

  private final Map<String, ChatChannel> channels = new LinkedHashMap<>();
  private final AlertStateStore store;
  private final Duration repeatEvery;
  private final Clock clock;
  private final Listener listener;

  /** Told of every delivery attempt, e.g. to count them in metrics; must not throw. */
  @FunctionalInterface
  public interface Listener {
    void attempted(Delivery delivery);
  }

  public AlertBook(List<ChatChannel> channels, AlertStateStore store, Duration repeatEvery, Clock clock,
      Listener listener) {
    channels.forEach(c -> this.channels.put(c.name(), c));
    this.store = store;
    this.repeatEvery = repeatEvery;
    this.clock = clock;
    this.listener = listener;
  }

  public AlertBook(List<ChatChannel> channels, AlertStateStore store, Duration repeatEvery, Clock clock) {
    this(channels, store, repeatEvery, clock, d -> {});
  }

  /** One attempt to hand one message to one channel; {@code error} is null when the channel confirmed it. */
  public record Delivery(String channel, String messageKey, boolean resolved, @Nullable String error) {
    public boolean ok() {
      return error == null;
    }
  }

  /**
   * What a call did.
   *
   * @param waiting (message, channel) pairs still unconfirmed, to be retried on the next run
   */
  public record Result(List<Delivery> deliveries, int waiting) {
    public Result {
      deliveries = List.copyOf(deliveries);
    }

    public boolean allDelivered() {
      return waiting == 0;
    }
  }

  public boolean hasChannels() {
    return !channels.isEmpty();
  }

  /**
   * Takes {@code open} as every problem open right now among the keys {@code inScope} accepts: new
   * ones and repeats are queued, tracked in-scope problems missing from {@code open} are resolved, and
   * the outbox is flushed. Problems out of scope are left as they are (a scan of one certificate does
   * not resolve the others').
   */
  public Result evaluate(List<Problem> open, Predicate<String> inScope) throws IOException, InterruptedException {
    try (AlertStateStore.Lock lock = store.lock(LOCK_WAIT)) {
      AlertState state = lock.load();
      Instant now = clock.instant();
      forgetRemovedChannels(state);
      Set<String> seen = new HashSet<>();
      for (Problem p : open) {
        if (seen.add(p.key())) {
          track(state, p, now);
        }
      }
      for (Tracked t : List.copyOf(state.problems.values())) {
        if (t.open && inScope.test(t.key) && !seen.contains(t.key)) {
          clear(state, t, now);
        }
      }
      lock.save(state);
      return flush(state, lock, now);
    }
  }

  /** Queues a one-off message (a failed renewal, a report) for every channel and flushes the outbox. */
  public Result send(AlertMessage message) throws IOException, InterruptedException {
    try (AlertStateStore.Lock lock = store.lock(LOCK_WAIT)) {
      AlertState state = lock.load();
      Instant now = clock.instant();
      forgetRemovedChannels(state);
      if (!channels.isEmpty()) {
        enqueue(state, message, Kind.EVENT, null, null, channels.keySet(), now);
        lock.save(state);
      }
      return flush(state, lock, now);
    }
  }

  /** Retries whatever is waiting in the outbox. */
  public Result flush() throws IOException, InterruptedException {
    try (AlertStateStore.Lock lock = store.lock(LOCK_WAIT)) {
      AlertState state = lock.load();
      forgetRemovedChannels(state);
      return flush(state, lock, clock.instant());
    }
  }

  private void track(AlertState state, Problem p, Instant now) {
    Tracked t = state.problems.get(p.key());
    if (t != null && !Objects.equals(t.fingerprint, p.fingerprint())) {
      // Same key, different certificate: the old problem is gone unannounced, the new one starts afresh.
      cancel(state, p.key(), q -> true);
      t = null;
    }
    if (t == null) {
      t = new Tracked();
      t.key = p.key();
      t.fingerprint = p.fingerprint();
      t.firstSeen = now;
      state.problems.put(p.key(), t);
    } else if (!t.open) {
      // Back before every channel heard it cleared: those still waiting for "resolved" are not told.
      cancel(state, p.key(), q -> q.kind == Kind.RESOLVED);
      t.open = true;
    }
    t.severity = p.severity();
    t.summary = p.summary();
    t.lines = new ArrayList<>(p.lines());
    Set<String> first = new LinkedHashSet<>();
    Set<String> repeat = new LinkedHashSet<>();
    for (String c : channels.keySet()) {
      if (pending(state, p.key(), c)) {
        continue;
      }
      Instant told = t.notified.get(c);
      if (told == null) {
        first.add(c);
      } else if (!now.isBefore(told.plus(repeatEvery))) {
        repeat.add(c);
      }
    }
    if (!first.isEmpty()) {
      enqueue(state, message(p, label(p.severity()), p.summary()), Kind.FIRING, p.key(), p.fingerprint(), first, now);
    }
    if (!repeat.isEmpty()) {
      String since = t.firstSeen.truncatedTo(ChronoUnit.MINUTES).toString();
      enqueue(state, message(p, label(p.severity()), "still open since " + since + ": " + p.summary()),
          Kind.REPEAT, p.key(), p.fingerprint(), repeat, now);
    }
  }

  private void clear(AlertState state, Tracked t, Instant now) {
    t.open = false;
    // Channels never told about it are not told either that it ended.
    cancel(state, t.key, q -> q.kind != Kind.RESOLVED);
    if (t.notified.isEmpty()) {
      state.problems.remove(t.key);
      return;
    }
    List<String> lines = new ArrayList<>(t.lines);
    lines.add("open since " + t.firstSeen.truncatedTo(ChronoUnit.MINUTES) + ", cleared by "
        + now.truncatedTo(ChronoUnit.MINUTES));
    AlertMessage resolved = new AlertMessage(UUID.randomUUID().toString(), t.key, t.severity,
        "[RESOLVED] " + t.summary, lines, true);
    enqueue(state, resolved, Kind.RESOLVED, t.key, t.fingerprint, t.notified.keySet(), now);
  }

  private static AlertMessage message(Problem p, String label, String summary) {
    return new AlertMessage(UUID.randomUUID().toString(), p.key(), p.severity(), "[" + label + "] " + summary,
        p.lines(), false);
  }

  private static String label(String severity) {
    return severity.toUpperCase(Locale.ROOT);
  }

  private static void enqueue(AlertState state, AlertMessage m, Kind kind, @Nullable String key,
      @Nullable String fingerprint, Set<String> to, Instant now) {
    Queued q = new Queued();
    q.message = m;
    q.kind = kind;
    q.problemKey = key;
    q.fingerprint = fingerprint;
    q.channels = new LinkedHashSet<>(to);
    q.queuedAt = now;
    state.outbox.add(q);
  }

  private static boolean pending(AlertState state, String key, String channel) {
    return state.outbox.stream().anyMatch(q -> key.equals(q.problemKey) && q.channels.contains(channel));
  }

  /** Drops the queued messages about {@code key} that {@code which} selects. */
  private static void cancel(AlertState state, String key, Predicate<Queued> which) {
    state.outbox.removeIf(q -> key.equals(q.problemKey) && which.test(q));
  }

  private void forgetRemovedChannels(AlertState state) {
    for (Iterator<Tracked> it = state.problems.values().iterator(); it.hasNext(); ) {
      Tracked t = it.next();
      t.notified.keySet().retainAll(channels.keySet());
      if (!t.open && t.notified.isEmpty()) {
        it.remove();
      }
    }
    state.outbox.forEach(q -> q.channels.retainAll(channels.keySet()));
    state.outbox.removeIf(q -> q.channels.isEmpty());
  }

  private Result flush(AlertState state, AlertStateStore.Lock lock, Instant started)
      throws IOException, InterruptedException {
    expire(state, started);
    List<Delivery> deliveries = new ArrayList<>();
    Set<String> failedThisFlush = new HashSet<>();
    for (Queued q : List.copyOf(state.outbox)) {
      for (String c : List.copyOf(q.channels)) {
        if (failedThisFlush.contains(c)) {
          continue;
        }
        String error = deliver(channels.get(c), q.message);
        Delivery d = new Delivery(c, q.message.key(), q.message.resolved(), error);
        deliveries.add(d);
        listener.attempted(d);
        if (error != null) {
          failedThisFlush.add(c);
          q.failedAttempts++;
          q.lastError = error;
        } else {
          q.channels.remove(c);
          confirmed(state, q, c, clock.instant());
          if (q.channels.isEmpty()) {
            state.outbox.remove(q);
          }
        }
        // Saved after every attempt: a crash right after a confirmed delivery must not send it again.
        lock.save(state);
      }
    }
    int waiting = state.outbox.stream().mapToInt(q -> q.channels.size()).sum();
    if (waiting > 0) {
      log.warn("{} alert deliveries are waiting for a channel and will be retried on the next run", waiting);
    }
    return new Result(deliveries, waiting);
  }

  private static void confirmed(AlertState state, Queued q, String channel, Instant at) {
    if (q.problemKey == null) {
      return;
    }
    Tracked t = state.problems.get(q.problemKey);
    if (t == null || !Objects.equals(t.fingerprint, q.fingerprint)) {
      return;
    }
    if (q.kind == Kind.RESOLVED) {
      t.notified.remove(channel);
      if (!t.open && t.notified.isEmpty()) {
        state.problems.remove(t.key);
      }
    } else {
      t.notified.put(channel, at);
    }
  }

  private static @Nullable String deliver(ChatChannel channel, AlertMessage m) throws InterruptedException {
    try {
      channel.send(m);
      log.info("alert {} sent to {}", m.key(), channel.name());
      return null;
    } catch (AlertDeliveryException | RuntimeException e) {
      log.error("alert {} NOT delivered: {}", m.key(), e.getMessage());
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
  }

  private static void expire(AlertState state, Instant now) {
    for (Iterator<Queued> it = state.outbox.iterator(); it.hasNext(); ) {
      Queued q = it.next();
      if (q.queuedAt.plus(MAX_QUEUE_AGE).isBefore(now)) {
        log.error("alert {} dropped: not delivered to {} within {} days (last error: {})", q.message.key(),
            q.channels, MAX_QUEUE_AGE.toDays(), q.lastError);
        it.remove();
      }
    }
    while (state.outbox.size() > MAX_QUEUE) {
      Queued q = state.outbox.remove(0);
      log.error("alert {} dropped: more than {} messages waiting", q.message.key(), MAX_QUEUE);
    }
  }
}
