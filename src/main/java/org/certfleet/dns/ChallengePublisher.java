package org.certfleet.dns;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.certfleet.cert.DnsName;
import org.certfleet.time.Sleeper;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * Publishes the DNS-01 records of one order: follows each {@code _acme-challenge} CNAME to the zone
 * that really holds it, presents every record before waiting for any, waits until all are visible
 * on every authoritative nameserver, and hands back a {@link Published} whose {@code close()} removes
 * them. Any failure removes what was already presented; clean-up errors are attached to the
 * original error, never put in its place.
 */
public final class ChallengePublisher {
  private static final Logger log = LoggerFactory.getLogger(ChallengePublisher.class);
  private final DnsResolution dns;
  private final PropagationCheck propagation;
  private final Sleeper sleeper;
  private final Duration timeout;
  private final Duration interval;
  private final Duration extraWait;
  private final RecordJournal journal;

  public ChallengePublisher(DnsResolution dns, PropagationCheck propagation, Sleeper sleeper, Duration timeout,
      Duration interval, Duration extraWait) {
    this(dns, propagation, sleeper, timeout, interval, extraWait, RecordJournal.NONE);
  }

  public ChallengePublisher(DnsResolution dns, PropagationCheck propagation, Sleeper sleeper, Duration timeout,
      Duration interval, Duration extraWait, RecordJournal journal) {
    this.journal = Objects.requireNonNull(journal, "journal");
    this.dns = Objects.requireNonNull(dns, "dns");
    this.propagation = Objects.requireNonNull(propagation, "propagation");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.timeout = timeout;
    this.interval = interval;
    this.extraWait = extraWait;
  }

  /**
   * One challenge: the domain (a wildcard's base name), its digest, and who publishes it.
   *
   * @param providerName the provider's name in certs.yaml, under which the record is journalled; empty:
   *     not journalled
   */
  public record Target(DnsName domain, String digest, DnsProvider provider, String providerName) {
    public Target(DnsName domain, String digest, DnsProvider provider) {
      this(domain, digest, provider, "");
    }
  }

  /** Presented records; {@link #close()} removes every one, reporting all failures together. */
  public static final class Published implements AutoCloseable {
    private final List<Presented> presented;
    private final RecordJournal journal;

    private Published(List<Presented> presented, RecordJournal journal) {
      this.presented = presented;
      this.journal = journal;
    }

    public List<TxtRecord> records() {
      return presented.stream().map(Presented::record).toList();
    }

    @Override
    public void close() throws DnsException {
      DnsException failure = null;
      for (Presented p : presented) {
        try {
          p.provider.cleanUp(p.record);
          forget(journal, p);
        } catch (DnsException e) {
          if (failure == null) {
            failure = new DnsException("clean-up failed: " + e.getMessage(), e);
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }

  private record Presented(TxtRecord record, DnsProvider provider, String providerName) {}

  private static void forget(RecordJournal journal, Presented p) {
    if (p.providerName.isEmpty()) {
      return;
    }
    try {
      journal.removed(p.providerName, p.record);
    } catch (IOException e) {
      // The record is gone from DNS; a stale journal entry only makes the next sweep remove it again.
      log.warn("{} removed, but the record journal could not be updated: {}", p.record, e.getMessage());
    }
  }

  /**
   * Removes the records a previous run presented and never removed. Call it before publishing anything;
   * records of another process that is still running are left to it. A record whose provider is no
   * longer configured, or whose removal fails, stays journalled and is logged; the sweep never fails
   * the run.
   *
   * @param providers the configured provider of a name, or null
   * @return how many records were removed
   */
  public int sweep(Function<String, @Nullable DnsProvider> providers) throws InterruptedException {
    List<RecordJournal.Entry> stale;
    try {
      stale = journal.leftovers();
    } catch (IOException e) {
      log.warn("the record journal cannot be read, so records a crashed run left behind stay: {}", e.getMessage());
      return 0;
    }
    int removed = 0;
    for (RecordJournal.Entry e : stale) {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      if (e.ownedByAnotherLiveProcess()) {
        continue;
      }
      DnsProvider provider;
      try {
        provider = providers.apply(e.provider());
      } catch (RuntimeException ex) {
        log.warn("{} was left by an interrupted run; DNS provider {} cannot be set up to remove it ({}); trying again"
            + " next run", e.record(), e.provider(), ex.getMessage());
        continue;
      }
      if (provider == null) {
        log.warn("{} was left by an interrupted run through DNS provider {}, which is no longer configured; remove it"
            + " by hand", e.record(), e.provider());
        continue;
      }
      try {
        provider.cleanUp(e.record());
        forget(journal, new Presented(e.record(), provider, e.provider()));
        log.info("removed {}, left by an interrupted run", e.record());
        removed++;
      } catch (DnsException ex) {
        log.warn("{} was left by an interrupted run and cannot be removed yet ({}); trying again next run", e.record(),
            ex.getMessage());
      }
    }
    return removed;
  }

  public Published publish(List<Target> targets) throws DnsException, InterruptedException {
    List<Presented> presented = new ArrayList<>();
    Published handle = new Published(presented, journal);
    try {
      List<Presented> planned = new ArrayList<>();
      for (Target t : targets) {
        Name start = PropagationCheck.name("_acme-challenge." + t.domain().base().value() + ".");
        Name effective = dns.followCnames(start);
        Name zone = dns.zoneOf(effective);
        if (!effective.equals(start)) {
          log.info("{} is a CNAME to {} (zone {})", start, effective, zone);
        }
        planned.add(new Presented(new TxtRecord(effective.toString(), zone.toString(), t.digest(), Duration.ofSeconds(60)),
            t.provider(), t.providerName()));
      }
      for (Presented p : planned) {
        if (!p.providerName.isEmpty()) {
          try {
            journal.presenting(p.providerName, p.record);
          } catch (IOException e) {
            throw new DnsException("cannot journal " + p.record + " before presenting it: " + e.getMessage(), e);
          }
        }
        presented.add(p);
        p.provider.present(p.record);
      }
      propagation.awaitVisible(handle.records(), timeout, interval);
      if (!extraWait.isZero()) {
        sleeper.sleep(extraWait);
      }
      return handle;
    } catch (DnsException | InterruptedException | RuntimeException e) {
      try {
        handle.close();
      } catch (DnsException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }
}
