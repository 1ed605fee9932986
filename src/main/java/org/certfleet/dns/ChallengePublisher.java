package org.certfleet.dns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.certfleet.cert.DnsName;
import org.certfleet.time.Sleeper;
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

  public ChallengePublisher(DnsResolution dns, PropagationCheck propagation, Sleeper sleeper, Duration timeout,
      Duration interval, Duration extraWait) {
    this.dns = Objects.requireNonNull(dns, "dns");
    this.propagation = Objects.requireNonNull(propagation, "propagation");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.timeout = timeout;
    this.interval = interval;
    this.extraWait = extraWait;
  }

  /** One challenge: the domain (a wildcard's base name), its digest, and who publishes it. */
  public record Target(DnsName domain, String digest, DnsProvider provider) {}

  /** Presented records; {@link #close()} removes every one, reporting all failures together. */
  public static final class Published implements AutoCloseable {
    private final List<Presented> presented;

    private Published(List<Presented> presented) {
      this.presented = presented;
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

  private record Presented(TxtRecord record, DnsProvider provider) {}

  public Published publish(List<Target> targets) throws DnsException, InterruptedException {
    List<Presented> presented = new ArrayList<>();
    Published handle = new Published(presented);
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
            t.provider()));
      }
      for (Presented p : planned) {
        p.provider.present(p.record);
        presented.add(p);
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
