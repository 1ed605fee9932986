package org.certfleet.renewal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.certfleet.acme.AcmeFailure;
import org.certfleet.acme.AcmeIssuer;
import org.certfleet.acme.CertRequest;
import org.certfleet.acme.Issued;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.config.AppConfig;
import org.certfleet.config.CertSpec;
import org.certfleet.config.DnsConfig;
import org.certfleet.config.PluginSpec;
import org.certfleet.config.SecretResolver;
import org.certfleet.dns.ChallengePublisher;
import org.certfleet.dns.DnsProvider;
import org.certfleet.dns.DnsProviders;
import org.certfleet.dns.DnsResolution;
import org.certfleet.dns.PropagationCheck;
import org.certfleet.store.FileCertificateStore;
import org.certfleet.store.Lineage;
import org.certfleet.store.LineageMetadata;
import org.certfleet.store.StoreLock;
import org.certfleet.time.Sleeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the certificates that are due: decide, order (several at once, bounded), store as the next
 * version, record the attempt. One certificate's failure never stops the others; each gets an {@link
 * Outcome}, and a failure backs that certificate off (1 min, 10 min, 100 min, then daily, or the CA's
 * Retry-After when later).
 */
public final class RenewalService {
  private static final Logger log = LoggerFactory.getLogger(RenewalService.class);
  static final int PARALLEL_ORDERS = 4;

  private final AppConfig config;
  private final DnsProviders providers;
  private final SecretResolver secrets;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RenewalPolicy policy = new RenewalPolicy();

  public RenewalService(AppConfig config, DnsProviders providers, SecretResolver secrets, Clock clock, Sleeper sleeper) {
    this.config = config;
    this.providers = providers;
    this.secrets = secrets;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** What would happen, without contacting the CA or writing anything. */
  public List<Outcome> plan(List<CertSpec> certs, boolean force) throws IOException {
    FileCertificateStore store = FileCertificateStore.readOnly(config.stateDir());
    List<Outcome> out = new ArrayList<>();
    for (CertSpec c : certs) {
      RenewalPolicy.Decision d = policy.decide(c, store.find(c.name()), store.metadata(c.name()), clock.instant(), force);
      out.add(new Outcome(c.name(), Outcome.Kind.SKIPPED, (d.due() ? "would renew: " : "not due: ") + d.reason(), 0, null,
          Duration.ZERO));
    }
    return out;
  }

  /** Renews every due certificate among {@code certs}; needs the state lock. */
  public List<Outcome> renew(StoreLock lock, List<CertSpec> certs, boolean force) throws IOException, InterruptedException {
    FileCertificateStore store = FileCertificateStore.writable(lock);
    StateOrderJournal journal = new StateOrderJournal(config.stateDir());
    AcmeIssuer issuer = new AcmeIssuer(config.acme(), new StateAccountRepository(config.stateDir()), journal, secrets,
        clock, sleeper, Duration.ofSeconds(1), Duration.ofMinutes(5));
    DnsConfig.Propagation prop = config.dns().propagation();
    List<InetSocketAddress> resolvers = prop.resolvers().stream().map(r -> {
      int colon = r.lastIndexOf(':');
      return new InetSocketAddress(r.substring(0, colon), Integer.parseInt(r.substring(colon + 1)));
    }).toList();
    DnsResolution dns = new DnsResolution(resolvers, Duration.ofSeconds(5), 53);
    ChallengePublisher publisher = new ChallengePublisher(dns, new PropagationCheck(dns, clock, sleeper), sleeper,
        prop.timeout(), prop.interval(), prop.extraWait());
    Map<String, DnsProvider> instances = new ConcurrentHashMap<>();

    List<Outcome> out = new ArrayList<>();
    List<Future<Outcome>> running = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_ORDERS);
    try {
      for (CertSpec c : certs) {
        Optional<Lineage> lineage = store.find(c.name());
        LineageMetadata meta = store.metadata(c.name());
        RenewalPolicy.Decision d = policy.decide(c, lineage, meta, clock.instant(), force);
        if (!d.due()) {
          out.add(new Outcome(c.name(), Outcome.Kind.SKIPPED, d.reason(), lineage.map(Lineage::version).orElse(0), null,
              Duration.ZERO));
          continue;
        }
        log.info("{}: renewing: {}", c.name(), d.reason());
        running.add(pool.submit(() -> renewOne(c, lineage, store, issuer, journal, publisher, instances)));
      }
      for (Future<Outcome> f : running) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("renewal task failed unexpectedly", e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return out;
  }

  private Outcome renewOne(CertSpec c, Optional<Lineage> lineage, FileCertificateStore store, AcmeIssuer issuer,
      StateOrderJournal journal, ChallengePublisher publisher, Map<String, DnsProvider> instances) throws IOException {
    Instant start = clock.instant();
    String step = "dns provider";
    try {
      Map<String, DnsProvider> byDomain = new HashMap<>();
      for (CertSpec.Domain d : c.domains()) {
        PluginSpec spec = config.dns().provider(d.dnsProvider()).orElseThrow();
        byDomain.put(d.name().base().value(), instances.computeIfAbsent(spec.name(), n -> providers.create(spec, secrets)));
      }
      CertificateBundle current = lineage.isPresent() ? store.load(c.name(), lineage.get().version()) : null;
      KeyPair reuse = c.reuseKey() && current != null ? new KeyPair(current.leaf().getPublicKey(), current.privateKey()) : null;
      CertRequest req = new CertRequest(c.name(), c.names(), c.keyType(), c.profile() != null ? c.profile() : config.acme().profile(),
          current == null ? null : current.leaf(), reuse, c.preferredChain());
      step = "acme";
      Issued issued = issuer.issue(req, new DnsSolver(publisher, byDomain));
      step = "store";
      List<java.security.cert.X509Certificate> chain = issued.chain();
      Lineage saved = store.save(c.name(), new CertificateBundle(chain.get(0), chain.subList(1, chain.size()),
          issued.keyPair().getPrivate()));
      journal.clear(c.name());
      store.writeMetadata(store.metadata(c.name())
          .withAttempt(new LineageMetadata.RenewalAttempt(clock.instant(), true, null, null))
          .withNextAttemptNotBefore(null));
      return new Outcome(c.name(), Outcome.Kind.RENEWED, "version " + saved.version() + ", serial " + saved.facts().serial()
          + ", valid until " + saved.facts().notAfter(), saved.version(), null, Duration.between(start, clock.instant()));
    } catch (AcmeFailure e) {
      return failed(c, store, e.step().toString(), e.getMessage(), e.retryAfter(), start);
    } catch (IOException | RuntimeException e) {
      return failed(c, store, step, c.name() + ": " + step + ": " + e.getMessage(), Optional.empty(), start);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(c, store, step, c.name() + ": interrupted", Optional.empty(), start);
    }
  }

  private Outcome failed(CertSpec c, FileCertificateStore store, String step, String message, Optional<Instant> retryAfter,
      Instant start) throws IOException {
    Instant now = clock.instant();
    LineageMetadata meta = store.metadata(c.name()).withAttempt(new LineageMetadata.RenewalAttempt(now, false, step, message));
    meta = meta.withNextAttemptNotBefore(policy.backoffAfterFailure(meta, now, retryAfter));
    store.writeMetadata(meta);
    log.warn("{}", message);
    return new Outcome(c.name(), Outcome.Kind.FAILED, message + " (next attempt not before " + meta.nextAttemptNotBefore() + ")",
        0, step, Duration.between(start, now));
  }
}
