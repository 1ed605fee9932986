package org.certfleet.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;
import org.certfleet.testing.acme.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dedupe / repeat / resolved sequence and the outbox, with an injected clock and recording channels. */
class AlertBookTest {
  static final Duration REPEAT = Duration.ofHours(24);
  static final Predicate<String> ALL = k -> true;

  @TempDir Path state;
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  Recording chat;
  Recording pager;

  /** A channel that records what it was given and fails while {@code down}. */
  static final class Recording implements ChatChannel {
    final String name;
    final List<AlertMessage> received = Collections.synchronizedList(new ArrayList<>());
    int attempts;
    boolean down;

    Recording(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void send(AlertMessage message) throws AlertDeliveryException {
      attempts++;
      if (down) {
        throw new AlertDeliveryException(name + ": not delivered after 3 attempts (last: HTTP 503)");
      }
      received.add(message);
    }

    List<String> summaries() {
      return received.stream().map(AlertMessage::summary).toList();
    }
  }

  @BeforeEach
  void channels() {
    chat = new Recording("chat");
    pager = new Recording("pager");
  }

  /** A new book over the same state: what the next run of certfleet sees. */
  AlertBook book() {
    return new AlertBook(List.of(chat, pager), new FileAlertStateStore(state, clock, d -> Thread.sleep(d.toMillis())), REPEAT, clock);
  }

  static Problem expiring(String fingerprint) {
    return new Problem("EXPIRING:media.hachyderm.io:cdn-1", fingerprint, "warning",
        "cdn-1 serves media.hachyderm.io, 9 days left", List.of("node: cdn-1"));
  }

  @Test
  void aNewProblemIsAlertedOnceThenRepeatedAfterTheIntervalAndResolvedToTheChannelsThatWereTold() throws Exception {
    AlertBook.Result first = book().evaluate(List.of(expiring("aa")), ALL);
    assertThat(first.deliveries()).extracting(AlertBook.Delivery::channel).containsExactly("chat", "pager");
    assertThat(first.allDelivered()).isTrue();
    assertThat(chat.summaries()).containsExactly("[WARNING] cdn-1 serves media.hachyderm.io, 9 days left");

    clock.advance(Duration.ofHours(23));
    assertThat(book().evaluate(List.of(expiring("aa")), ALL).deliveries()).isEmpty();
    assertThat(chat.received).hasSize(1);

    clock.advance(Duration.ofHours(1));
    book().evaluate(List.of(expiring("aa")), ALL);
    assertThat(chat.summaries()).hasSize(2).last().asString()
        .isEqualTo("[WARNING] still open since 2026-11-22T10:00:00Z: cdn-1 serves media.hachyderm.io, 9 days left");
    assertThat(pager.received).hasSize(2);

    clock.advance(Duration.ofHours(1));
    book().evaluate(List.of(), ALL);
    assertThat(chat.received).hasSize(3);
    AlertMessage resolved = chat.received.get(2);
    assertThat(resolved.resolved()).isTrue();
    assertThat(resolved.summary()).isEqualTo("[RESOLVED] cdn-1 serves media.hachyderm.io, 9 days left");
    assertThat(resolved.key()).isEqualTo("EXPIRING:media.hachyderm.io:cdn-1");
    assertThat(resolved.lines()).containsExactly("node: cdn-1", "open since 2026-11-22T10:00:00Z, cleared by 2026-11-23T11:00:00Z");
    assertThat(pager.received).hasSize(3);

    clock.advance(Duration.ofDays(3));
    assertThat(book().evaluate(List.of(), ALL).deliveries()).isEmpty();
    assertThat(Files.readString(state.resolve("alerts.json"))).doesNotContain("EXPIRING");
  }

  @Test
  void aNewFingerprintUnderTheSameKeyIsANewProblemAlertedAtOnce() throws Exception {
    book().evaluate(List.of(expiring("aa")), ALL);
    clock.advance(Duration.ofMinutes(5));
    book().evaluate(List.of(expiring("bb")), ALL);
    assertThat(chat.summaries()).containsExactly("[WARNING] cdn-1 serves media.hachyderm.io, 9 days left",
        "[WARNING] cdn-1 serves media.hachyderm.io, 9 days left");
    assertThat(chat.received).extracting(AlertMessage::resolved).containsOnly(false);
  }

  @Test
  void aChannelIsMarkedOnlyAfterItConfirmedAndTheRetryReusesTheMessageId() throws Exception {
    pager.down = true;
    AlertBook.Result r = book().evaluate(List.of(expiring("aa")), ALL);
    assertThat(r.waiting()).isEqualTo(1);
    assertThat(r.deliveries()).filteredOn(d -> !d.ok()).extracting(AlertBook.Delivery::channel).containsExactly("pager");
    assertThat(Files.readString(state.resolve("alerts.json"))).doesNotContain("https://");

    clock.advance(Duration.ofHours(1));
    pager.down = false;
    r = book().evaluate(List.of(expiring("aa")), ALL);
    assertThat(r.allDelivered()).isTrue();
    assertThat(chat.received).hasSize(1); // chat confirmed the first time and is not told twice
    assertThat(pager.received).hasSize(1);
    assertThat(pager.received.get(0).id()).isEqualTo(chat.received.get(0).id());
  }

  @Test
  void aMessageThatFailsOnEveryChannelStaysQueuedForTheNextRun() throws Exception {
    chat.down = true;
    pager.down = true;
    AlertBook.Result r = book().send(new AlertMessage("RENEWAL_FAILED:media.hachyderm.io", "warning",
        "renewal of media.hachyderm.io failed", List.of("step: dns-01")));
    assertThat(r.waiting()).isEqualTo(2);
    assertThat(r.deliveries()).noneMatch(AlertBook.Delivery::ok);

    chat.down = false;
    pager.down = false;
    r = book().flush();
    assertThat(r.allDelivered()).isTrue();
    assertThat(chat.summaries()).containsExactly("renewal of media.hachyderm.io failed");
    assertThat(book().flush().deliveries()).isEmpty();
    assertThat(chat.received).hasSize(1);
  }

  @Test
  void aDeadChannelIsTriedOncePerFlushNotOncePerMessage() throws Exception {
    pager.down = true;
    List<Problem> many = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      many.add(new Problem("DRIFT:c" + i + ":cdn-1", "f" + i, "warning", "drift " + i, List.of()));
    }
    AlertBook.Result r = book().evaluate(many, ALL);
    assertThat(pager.attempts).isEqualTo(1);
    assertThat(chat.received).hasSize(5);
    assertThat(r.waiting()).isEqualTo(5);
  }

  @Test
  void aProblemThatClearsBeforeAChannelWasToldIsNeverResolvedThere() throws Exception {
    pager.down = true;
    book().evaluate(List.of(expiring("aa")), ALL);
    pager.down = false;
    clock.advance(Duration.ofHours(1));
    AlertBook.Result r = book().evaluate(List.of(), ALL);
    assertThat(pager.received).isEmpty();
    assertThat(chat.received).extracting(AlertMessage::resolved).containsExactly(false, true);
    assertThat(r.allDelivered()).isTrue();
  }

  @Test
  void aProblemOutsideTheScannedScopeIsNotResolved() throws Exception {
    book().evaluate(List.of(expiring("aa")), ALL);
    book().evaluate(List.of(), key -> key.contains(":other.example:"));
    assertThat(chat.received).hasSize(1);
    book().evaluate(List.of(), key -> key.contains(":media.hachyderm.io:"));
    assertThat(chat.received).hasSize(2);
    assertThat(chat.received.get(1).resolved()).isTrue();
  }

  @Test
  void aProblemBackBeforeItsResolvedWasDeliveredCancelsTheResolved() throws Exception {
    book().evaluate(List.of(expiring("aa")), ALL);
    pager.down = true;
    book().evaluate(List.of(), ALL); // chat hears "resolved", pager does not
    pager.down = false;
    clock.advance(Duration.ofMinutes(10));
    AlertBook.Result r = book().evaluate(List.of(expiring("aa")), ALL);
    assertThat(pager.received).extracting(AlertMessage::resolved).containsExactly(false);
    assertThat(chat.received).extracting(AlertMessage::resolved).containsExactly(false, true, false);
    assertThat(r.allDelivered()).isTrue();
  }

  @Test
  void theStateFileIsPrivateAndAnUnreadableOneIsMovedAsideNotFatal() throws Exception {
    book().evaluate(List.of(expiring("aa")), ALL);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("alerts.json"))))
        .isEqualTo("rw-------");
    Files.writeString(state.resolve("alerts.json"), "{ not json");
    book().evaluate(List.of(expiring("aa")), ALL);
    assertThat(chat.received).hasSize(2); // alerted again: forgetting beats staying silent
    try (var files = Files.list(state)) {
      assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("alerts.json.corrupt-"));
    }
  }

  @Test
  void aChannelRemovedFromTheConfigIsForgotten() throws Exception {
    pager.down = true;
    book().evaluate(List.of(expiring("aa")), ALL);
    AlertBook onlyChat = new AlertBook(List.of(chat), new FileAlertStateStore(state, clock, d -> Thread.sleep(d.toMillis())), REPEAT, clock);
    AlertBook.Result r = onlyChat.flush();
    assertThat(r.allDelivered()).isTrue();
    assertThat(r.deliveries()).isEmpty();
  }
}
