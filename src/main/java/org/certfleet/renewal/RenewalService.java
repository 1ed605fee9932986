package org.certfleet.renewal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
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
import org.certfleet.acme.AccountRepository;
import org.certfleet.acme.AcmeFailure;
import org.certfleet.acme.AcmeIssuer;
import org.certfleet.acme.CertRequest;
import org.certfleet.acme.Dns01Solver;
import org.certfleet.acme.Issued;
import org.certfleet.acme.OrderJournal;
import org.certfleet.acme.RenewalWindow;
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
import org.certfleet.store.CertificateStore;
import org.certfleet.store.FileCertificateStore;
import org.certfleet.store.Lineage;
import org.certfleet.store.LineageMetadata;
import org.certfleet.store.StoreLock;
import org.certfleet.time.Sleeper;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the certificates that are due: decide, order (several at once, bounded), store as the next
 * version, record the attempt. One certificate's failure never stops the others; each gets an {@link
 * Outcome}, and a failure backs that certificate off (1 min, 10 min, 100 min, then daily, or the CA's
 * Retry-After when later).
 *
 * <p>ARI (RFC 9773): before deciding about an issued certificate, and right after issuing one, the
 * CA's renewal window is fetched (no more often than its Retry-After allows) and kept in the
 * lineage's metadata; a renewal order names the certificate it replaces. A CA without ARI, or a fetch
 * that fails, leaves the decision to the lifetime rule (or the window fetched before); that is logged,
 * never a failure of the certificate.
 */
public final class RenewalService {
  private static final Logger log = LoggerFactory.getLogger(RenewalService.class);
  static final int PARALLEL_ORDERS = 4;

  private final AppConfig config;
  private final DnsProviders providers;
  private final SecretResolver secrets;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RenewalPolicy policy;
  private final @Nullable SolverFactory solvers;

  /** Builds one certificate's DNS-01 solver; the seam tests use to answer challenges without DNS. */
  @FunctionalInterface
  interface SolverFactory {
    Dns01Solver create(CertSpec cert);
  }

  public RenewalService(AppConfig config, DnsProviders providers, SecretResolver secrets, Clock clock, Sleeper sleeper) {
    this(config, providers, secrets, clock, sleeper, new RenewalPolicy(), null);
  }

  /** @param solvers DNS-01 for every certificate, or null for the configured providers */
  RenewalService(AppConfig config, DnsProviders providers, SecretResolver secrets, Clock clock, Sleeper sleeper,
      RenewalPolicy policy, @Nullable SolverFactory solvers) {
    this.config = config;
    this.providers = providers;
    this.secrets = secrets;
    this.clock = clock;
    this.sleeper = sleeper;
    this.policy = policy;
    this.solvers = solvers;
  }

  /** What would happen on the state directory, without contacting the CA or writing anything. */
  public List<Outcome> plan(List<CertSpec> certs, boolean force) throws IOException {
    return plan(FileCertificateStore.readOnly(config.stateDir()), certs, force);
  }

  /** What would happen with {@code store}, without contacting the CA or writing anything. */
  public List<Outcome> plan(CertificateStore store, List<CertSpec> certs, boolean force) throws IOException {
    List<Outcome> out = new ArrayList<>();
    for (CertSpec c : certs) {
      RenewalPolicy.Decision d = policy.decide(c, store.find(c.name()), store.metadata(c.name()), clock.instant(), force);
      out.add(new Outcome(c.name(), Outcome.Kind.SKIPPED, (d.due() ? "would renew: " : "not due: ") + d.reason(), 0, null,
          Duration.ZERO));
    }
    return out;
  }

  /** Renews every due certificate among {@code certs} in the locked state directory. */
  public List<Outcome> renew(StoreLock lock, List<CertSpec> certs, boolean force) throws IOException, InterruptedException {
    return renew(FileCertificateStore.writable(lock), new StateAccountRepository(config.stateDir()),
        new StateOrderJournal(config.stateDir()), certs, force);
  }

  /**
   * Renews every due certificate among {@code certs}.
   *
   * @param store opened for writing; the caller holds whatever lock keeps other writers of these
   *     certificates out
   */
  public List<Outcome> renew(CertificateStore store, AccountRepository accounts, OrderJournal journal, List<CertSpec> certs,
      boolean force) throws IOException, InterruptedException {
    AcmeIssuer issuer = new AcmeIssuer(config.acme(), accounts, journal, secrets,
        clock, sleeper, Duration.ofSeconds(1), Duration.ofMinutes(5));
    DnsConfig.Propagation prop = config.dns().propagation();
    List<InetSocketAddress> resolvers = prop.resolvers().stream().map(r -> {
      int colon = r.lastIndexOf(':');
      return new InetSocketAddress(r.substring(0, colon), Integer.parseInt(r.substring(colon + 1)));
    }).toList();
    DnsResolution dns = new DnsResolution(resolvers, Duration.ofSeconds(5), 53);
    ChallengePublisher publisher = new ChallengePublisher(dns, new PropagationCheck(dns, clock, sleeper), sleeper,
        prop.timeout(), prop.interval(), prop.extraWait(), new StateRecordJournal(config.stateDir()));
    Map<String, DnsProvider> instances = new ConcurrentHashMap<>();
    // Records a killed run presented and never removed (those of a process still running are its own).
    publisher.sweep(name -> config.dns().provider(name)
        .map(spec -> instances.computeIfAbsent(spec.name(), n -> providers.create(spec, secrets))).orElse(null));

    List<Outcome> out = new ArrayList<>();
    List<Future<Outcome>> running = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_ORDERS);
    try {
      for (CertSpec c : certs) {
        Optional<Lineage> lineage = store.find(c.name());
        LineageMetadata meta = store.metadata(c.name());
        if (lineage.isPresent() && !force && policy.renewalInfoDue(meta, clock.instant())) {
          try {
            meta = refreshRenewalInfo(c, store.load(c.name(), lineage.get().version()).leaf(), meta, store, issuer);
          } catch (IOException e) {
            log.warn("{}: cannot check the CA's renewal window: {}", c.name(), e.getMessage());
          }
        }
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

  private Outcome renewOne(CertSpec c, Optional<Lineage> lineage, CertificateStore store, AcmeIssuer issuer,
      OrderJournal journal, ChallengePublisher publisher, Map<String, DnsProvider> instances) throws IOException {
    Instant start = clock.instant();
    String step = "dns provider";
    try {
      Dns01Solver solver;
      if (solvers != null) {
        solver = solvers.create(c);
      } else {
        Map<String, DnsProvider> byDomain = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        for (CertSpec.Domain d : c.domains()) {
          PluginSpec spec = config.dns().provider(d.dnsProvider()).orElseThrow();
          byDomain.put(d.name().base().value(), instances.computeIfAbsent(spec.name(), n -> providers.create(spec, secrets)));
          names.put(d.name().base().value(), spec.name());
        }
        solver = new DnsSolver(publisher, byDomain, names);
      }
      step = "store";
      CertificateBundle current = lineage.isPresent() ? store.load(c.name(), lineage.get().version()) : null;
      KeyPair reuse = c.reuseKey() && current != null ? new KeyPair(current.leaf().getPublicKey(), current.privateKey()) : null;
      // ARI replaces: the CA may exempt a renewal from rate limits; it only makes sense for a certificate
      // that still shares a name with the new order.
      X509Certificate replaces = current != null && lineage.get().facts().sans().stream()
          .anyMatch(n -> c.names().stream().anyMatch(d -> d.value().equals(n))) ? current.leaf() : null;
      CertRequest req = new CertRequest(c.name(), c.names(), c.keyType(), c.profile() != null ? c.profile() : config.acme().profile(),
          replaces, reuse, c.preferredChain());
      step = "acme";
      Issued issued = issuer.issue(req, solver);
      step = "store";
      List<X509Certificate> chain = issued.chain();
      Lineage saved = store.save(c.name(), new CertificateBundle(chain.get(0), chain.subList(1, chain.size()),
          issued.keyPair().getPrivate()));
      journal.clear(c.name());
      // The old window was the old certificate's; the new one gets its own.
      LineageMetadata meta = store.metadata(c.name())
          .withAttempt(new LineageMetadata.RenewalAttempt(clock.instant(), true, null, null))
          .withNextAttemptNotBefore(null)
          .withAri(null);
      store.writeMetadata(meta);
      try {
        refreshRenewalInfo(c, issued.leaf(), meta, store, issuer);
      } catch (IOException e) {
        log.warn("{}: renewed, but its renewal window could not be recorded: {}", c.name(), e.getMessage());
      }
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

  /**
   * Fetches and records the CA's renewal window for {@code leaf}; returns the metadata to decide with.
   * A failure is logged and changes nothing: the next run asks again.
   */
  private LineageMetadata refreshRenewalInfo(CertSpec c, X509Certificate leaf, LineageMetadata meta,
      CertificateStore store, AcmeIssuer issuer) throws IOException {
    Instant now = clock.instant();
    Optional<RenewalWindow> window;
    try {
      window = issuer.renewalWindow(c.name(), leaf);
    } catch (AcmeFailure e) {
      log.warn("{} (deciding by {})", e.getMessage(), meta.ari() != null ? "the window fetched before" : "the lifetime rule");
      return meta;
    }
    LineageMetadata updated;
    if (window.isEmpty()) {
      if (meta.ari() == null) {
        return meta;
      }
      log.info("{}: the CA no longer offers renewal information; deciding by the lifetime rule", c.name());
      updated = meta.withAri(null);
    } else {
      RenewalWindow w = window.get();
      Instant nextPoll = policy.nextRenewalInfoPoll(now, Optional.ofNullable(w.retryAfter()));
      updated = meta.withAri(new LineageMetadata.AriWindow(w.start(), w.end(),
          w.explanation() == null ? null : w.explanation().toString(), nextPoll));
      log.info("{}: the CA suggests renewing between {} and {}{}; asking again after {}", c.name(), w.start(), w.end(),
          w.explanation() == null ? "" : " (" + w.explanation() + ")", nextPoll);
    }
    store.writeMetadata(updated);
    return updated;
  }

  private Outcome failed(CertSpec c, CertificateStore store, String step, String message, Optional<Instant> retryAfter,
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
