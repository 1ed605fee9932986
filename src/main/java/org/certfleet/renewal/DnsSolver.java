package org.certfleet.renewal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.certfleet.acme.Dns01Solver;
import org.certfleet.cert.DnsName;
import org.certfleet.dns.ChallengePublisher;
import org.certfleet.dns.DnsException;
import org.certfleet.dns.DnsProvider;

/** Answers one certificate's DNS-01 challenges through the provider configured for each of its domains. */
final class DnsSolver implements Dns01Solver {
  private final ChallengePublisher publisher;
  /** Keyed by the base name (a wildcard's challenge is published for its base). */
  private final Map<String, DnsProvider> providers;

  /** The providers' names in certs.yaml, by base name, under which their records are journalled. */
  private final Map<String, String> names;

  DnsSolver(ChallengePublisher publisher, Map<String, DnsProvider> providers, Map<String, String> names) {
    this.publisher = publisher;
    this.providers = Map.copyOf(providers);
    this.names = Map.copyOf(names);
  }

  @Override
  public Publication publish(List<Challenge> challenges) throws Dns01Exception {
    List<ChallengePublisher.Target> targets = new ArrayList<>();
    for (Challenge c : challenges) {
      DnsName base = c.domain().base();
      DnsProvider p = providers.get(base.value());
      if (p == null) {
        throw new Dns01Exception("no DNS provider configured for " + base);
      }
      targets.add(new ChallengePublisher.Target(base, c.digest(), p, names.getOrDefault(base.value(), "")));
    }
    try {
      ChallengePublisher.Published published = publisher.publish(targets);
      return () -> {
        try {
          published.close();
        } catch (DnsException e) {
          throw new Dns01Exception(e.getMessage(), e);
        }
      };
    } catch (DnsException e) {
      throw new Dns01Exception(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Dns01Exception("interrupted while publishing", e);
    }
  }
}
