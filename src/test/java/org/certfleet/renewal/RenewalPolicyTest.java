package org.certfleet.renewal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.certfleet.cert.CertFacts;
import org.certfleet.cert.CertName;
import org.certfleet.cert.DnsName;
import org.certfleet.cert.KeyType;
import org.certfleet.config.CertSpec;
import org.certfleet.store.Lineage;
import org.certfleet.store.LineageMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RenewalPolicyTest {
  static final Instant ISSUED = Instant.parse("2026-11-01T00:00:00Z");
  final RenewalPolicy policy = new RenewalPolicy();

  static CertSpec spec(Duration renewBefore, String... names) {
    return new CertSpec(new CertName(names[0]), List.of(names).stream().map(n -> new CertSpec.Domain(DnsName.parse(n), "dns")).toList(),
        KeyType.EC_P256, null, List.of(), List.of(), renewBefore, false, null);
  }

  static Optional<Lineage> lineage(Duration lifetime, String... sans) {
    CertFacts facts = new CertFacts("CN=x", "CN=ca", "1", List.of(sans), ISSUED, ISSUED.plus(lifetime), "00", "EC P-256", null);
    return Optional.of(new Lineage(new CertName(sans[0]), 1, List.of(1), facts, Path.of("/x")));
  }

  @ParameterizedTest(name = "lifetime {0} d, {1} d later: due={2}")
  @CsvSource({
      "90, 59, false", "90, 60, true",   // a third of 90 days left: day 60
      "45, 29, false", "45, 30, true",   // a third of 45 days: day 30
      "10, 4, false", "10, 5, true",     // ten days or less: half
      "6, 2, false", "6, 3, true",       // the 6-day profile renews at day 3
      "90, 91, true"})                   // expired
  void lifetimeRule(int lifetimeDays, int daysLater, boolean due) {
    RenewalPolicy.Decision d = policy.decide(spec(null, "media.hachyderm.io"), lineage(Duration.ofDays(lifetimeDays), "media.hachyderm.io"),
        LineageMetadata.empty("media.hachyderm.io"), ISSUED.plus(Duration.ofDays(daysLater)), false);

    assertThat(d.due()).as(d.reason()).isEqualTo(due);
  }

  @Test
  void renewBeforeFromConfigWins() {
    Instant day70 = ISSUED.plus(Duration.ofDays(70));
    assertThat(policy.decide(spec(Duration.ofDays(30), "a.example"), lineage(Duration.ofDays(90), "a.example"),
        LineageMetadata.empty("a.example"), day70, false).due()).isTrue();
    assertThat(policy.decide(spec(Duration.ofDays(10), "a.example"), lineage(Duration.ofDays(90), "a.example"),
        LineageMetadata.empty("a.example"), day70, false).due()).isFalse();
  }

  @Test
  void missingOrChangedNamesAreDueAtOnceButNotDuringBackoff() {
    LineageMetadata fresh = LineageMetadata.empty("a.example");
    LineageMetadata backingOff = fresh.withNextAttemptNotBefore(ISSUED.plus(Duration.ofDays(1)));

    assertThat(policy.decide(spec(null, "a.example"), Optional.empty(), fresh, ISSUED, false).reason()).isEqualTo("not issued yet");
    RenewalPolicy.Decision changed = policy.decide(spec(null, "a.example", "b.example"), lineage(Duration.ofDays(90), "a.example"),
        fresh, ISSUED, false);
    assertThat(changed.due()).isTrue();
    assertThat(changed.reason()).startsWith("names changed");
    // A certificate that never issued because its config is broken must not hit the CA on every run.
    assertThat(policy.decide(spec(null, "a.example"), Optional.empty(), backingOff, ISSUED, false).due()).isFalse();
    assertThat(policy.decide(spec(null, "a.example"), Optional.empty(), backingOff, ISSUED, true).due()).isTrue();
  }

  @Test
  void backoffHoldsUnlessForcedAndGrowsWithConsecutiveFailures() {
    Instant now = ISSUED.plus(Duration.ofDays(80));
    LineageMetadata meta = LineageMetadata.empty("a.example");
    List<Duration> waits = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      meta = meta.withAttempt(new LineageMetadata.RenewalAttempt(now, false, "validation", "x"));
      waits.add(Duration.between(now, policy.backoffAfterFailure(meta, now, Optional.empty())));
    }
    assertThat(waits).containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofMinutes(100),
        Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(1));

    LineageMetadata held = meta.withNextAttemptNotBefore(now.plusSeconds(60));
    assertThat(policy.decide(spec(null, "a.example"), lineage(Duration.ofDays(90), "a.example"), held, now, false).due()).isFalse();
    assertThat(policy.decide(spec(null, "a.example"), lineage(Duration.ofDays(90), "a.example"), held, now, true).due()).isTrue();
    // A CA's Retry-After later than our own back-off is respected.
    assertThat(policy.backoffAfterFailure(meta, now, Optional.of(now.plus(Duration.ofDays(3))))).isEqualTo(now.plus(Duration.ofDays(3)));
  }

  @Test
  void anAriWindowMakesTheCertificateDueAtAStableRandomMomentInsideIt() {
    Instant start = ISSUED.plus(Duration.ofDays(40));
    LineageMetadata.AriWindow window = new LineageMetadata.AriWindow(start, start.plus(Duration.ofDays(2)), null, null);
    LineageMetadata meta = LineageMetadata.empty("a.example").withAri(window);
    Optional<Lineage> l = lineage(Duration.ofDays(90), "a.example");
    Instant at = policy.renewalMoment(l.get(), window);

    assertThat(at).isAfterOrEqualTo(start).isBefore(window.end());
    assertThat(new RenewalPolicy(0).renewalMoment(l.get(), window)).as("the same on every run").isEqualTo(at);
    RenewalPolicy.Decision before = policy.decide(spec(null, "a.example"), l, meta, at.minusMillis(1), false);
    assertThat(before.due()).isFalse();
    assertThat(before.nextCheck()).contains(at);
    assertThat(policy.decide(spec(null, "a.example"), l, meta, at, false).due()).isTrue();
    // The window wins over the lifetime rule both ways: day 40 is early for it, day 62 late.
    assertThat(policy.decide(spec(null, "a.example"), l, meta, window.end(), false).reason())
        .startsWith("the CA's renewal window " + start);
  }

  @Test
  void momentsSpreadOverTheWindowAcrossCertificatesAndSeeds() {
    Instant start = ISSUED.plus(Duration.ofDays(60));
    LineageMetadata.AriWindow window = new LineageMetadata.AriWindow(start, start.plus(Duration.ofHours(10)), null, null);
    int[] perHour = new int[10];
    for (int i = 0; i < 1000; i++) {
      CertFacts facts = new CertFacts("CN=x", "CN=ca", Integer.toHexString(i * 7919), List.of("a.example"), ISSUED,
          ISSUED.plus(Duration.ofDays(90)), "00", "EC P-256", null);
      Instant at = new RenewalPolicy(i % 3).renewalMoment(new Lineage(new CertName("a.example"), 1, List.of(1), facts, Path.of("/x")), window);
      assertThat(at).isAfterOrEqualTo(start).isBefore(window.end());
      perHour[(int) Duration.between(start, at).toHours()]++;
    }
    // Uniform: about 100 per hour; a skew towards the start would show here.
    assertThat(java.util.Arrays.stream(perHour).boxed().toList()).allSatisfy(n -> assertThat(n).isBetween(60, 140));
  }

  @Test
  void theWindowCheckIsDueWhenUnknownOrWhenTheCasTimeHasComeButNotWhileBackingOff() {
    Instant now = ISSUED.plus(Duration.ofDays(10));
    LineageMetadata none = LineageMetadata.empty("a.example");
    LineageMetadata known = none.withAri(new LineageMetadata.AriWindow(now, now.plus(Duration.ofDays(1)), null, now.plusSeconds(60)));

    assertThat(policy.renewalInfoDue(none, now)).isTrue();
    assertThat(policy.renewalInfoDue(known, now.plusSeconds(59))).isFalse();
    assertThat(policy.renewalInfoDue(known, now.plusSeconds(60))).isTrue();
    assertThat(policy.renewalInfoDue(none.withNextAttemptNotBefore(now.plusSeconds(1)), now)).isFalse();
  }

  @ParameterizedTest(name = "Retry-After {0} s -> asked again after {1} s")
  @CsvSource({"-10, 60", "5, 60", "3600, 3600", "86400, 86400", "2592000, 86400", ", 21600"})
  void theCasRetryAfterIsBoundedBetweenAMinuteAndADay(Long retryAfterSeconds, long expectedSeconds) {
    Instant now = ISSUED;
    Optional<Instant> retryAfter = Optional.ofNullable(retryAfterSeconds).map(now::plusSeconds);

    assertThat(policy.nextRenewalInfoPoll(now, retryAfter)).isEqualTo(now.plusSeconds(expectedSeconds));
  }

  @Test
  void withAWindowNotDueYetTheNextCheckIsTheEarlierOfTheMomentAndTheNextWindowCheck() {
    Instant start = ISSUED.plus(Duration.ofDays(60));
    Instant ask = ISSUED.plus(Duration.ofDays(10));
    LineageMetadata meta = LineageMetadata.empty("a.example")
        .withAri(new LineageMetadata.AriWindow(start, start.plus(Duration.ofDays(2)), null, ask));

    RenewalPolicy.Decision d = policy.decide(spec(null, "a.example"), lineage(Duration.ofDays(90), "a.example"), meta,
        ISSUED.plus(Duration.ofDays(5)), false);

    assertThat(d.due()).isFalse();
    assertThat(d.nextCheck()).contains(ask);
  }
}
