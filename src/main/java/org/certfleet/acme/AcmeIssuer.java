package org.certfleet.acme;

import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.certfleet.cert.CertName;
import org.certfleet.cert.DnsName;
import org.certfleet.cert.KeyType;
import org.certfleet.config.AcmeConfig;
import org.certfleet.config.SecretResolver;
import org.certfleet.time.Sleeper;
import org.jspecify.annotations.Nullable;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.AcmeJsonResource;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Metadata;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.OrderBuilder;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.RenewalInfo;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeProtocolException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.toolbox.AcmeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issues one certificate over ACME with DNS-01.
 *
 * <p>The flow: account (created on first use), order (resumed from the {@link OrderJournal} after a
 * crash), every pending authorization's DNS-01 record published at once through the {@link
 * Dns01Solver}, all challenges triggered, polled about once a second (or when Retry-After says) until
 * valid, records always removed, the new key journalled before finalization, the certificate
 * downloaded. Thread-safe: concurrent {@link #issue} calls for different certificates share nothing
 * but the session.
 *
 * <p>The caller stores the result and then clears the journal entry; until then a rerun resumes.
 */
public final class AcmeIssuer {
  private static final Logger log = LoggerFactory.getLogger(AcmeIssuer.class);

  private final AcmeConfig config;
  private final AccountRepository accounts;
  private final OrderJournal journal;
  private final SecretResolver secrets;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration pollInterval;
  private final Duration timeout;
  private @Nullable Session session;

  /**
   * @param pollInterval how often to ask the CA when it gives no Retry-After (about a second)
   * @param timeout how long validation, finalization and download may take in all
   */
  public AcmeIssuer(AcmeConfig config, AccountRepository accounts, OrderJournal journal,
      SecretResolver secrets, Clock clock, Sleeper sleeper, Duration pollInterval, Duration timeout) {
    this.config = Objects.requireNonNull(config, "config");
    this.accounts = Objects.requireNonNull(accounts, "accounts");
    this.journal = Objects.requireNonNull(journal, "journal");
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Orders, validates and downloads the certificate described by {@code req}, publishing its DNS-01
   * records through {@code solver}.
   */
  public Issued issue(CertRequest req, Dns01Solver solver) throws AcmeFailure, InterruptedException {
    Session s = session(req.name());
    Login login = login(s, req.name());
    Order order = order(s, login, req);
    authorize(order, req, solver);
    KeyPair key = finalizeOrder(order, req);
    return download(order, key, req);
  }

  /** Whether the CA's directory offers ARI (RFC 9773). */
  public boolean supportsRenewalInfo(CertRequest req) throws AcmeFailure {
    try {
      return session(req.name()).resourceUrlOptional(Resource.RENEWAL_INFO).isPresent();
    } catch (AcmeException e) {
      throw fail(req.name(), AcmeStep.DIRECTORY, null, e);
    }
  }

  /**
   * Asks the CA when to renew {@code certificate} (RFC 9773). Empty when the CA's directory offers no
   * renewalInfo. The request itself is unauthenticated, but acme4j binds it to the account login, so
   * like {@link #issue} this creates the account on first use.
   *
   * @throws AcmeFailure at step {@link AcmeStep#RENEWAL_INFO} when the CA cannot be asked or answers
   *     something unusable (no window, a window that ends before it starts, a certificate without an
   *     Authority Key Identifier)
   */
  public Optional<RenewalWindow> renewalWindow(CertName name, X509Certificate certificate) throws AcmeFailure {
    Session s = session(name);
    try {
      if (s.resourceUrlOptional(Resource.RENEWAL_INFO).isEmpty()) {
        return Optional.empty();
      }
      RenewalInfo info = login(s, name).bindRenewalInfo(certificate);
      Optional<Instant> retryAfter = info.fetch();
      return Optional.of(new RenewalWindow(info.getSuggestedWindowStart(), info.getSuggestedWindowEnd(),
          info.getExplanation().orElse(null), retryAfter.orElse(null)));
    } catch (AcmeException | RuntimeException e) {
      // RuntimeException: acme4j reports a malformed answer or certificate as AcmeProtocolException.
      throw fail(name, AcmeStep.RENEWAL_INFO, null, e);
    }
  }

  // ---- session and account ----------------------------------------------------------------

  private synchronized Session session(CertName name) throws AcmeFailure {
    if (session != null) {
      return session;
    }
    try {
      URI dir = config.directory();
      Session s = config.caCertificates() == null ? new Session(dir) : new Session(dir, new ExtraTrustProvider(config.caCertificates()));
      s.networkSettings().setTimeout(Duration.ofSeconds(30));
      s.getMetadata(); // fail here, at the directory step, when the CA is unreachable
      session = s;
      return s;
    } catch (AcmeException | IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new AcmeFailure(name, AcmeStep.DIRECTORY, null,
          "cannot use ACME directory " + config.directory() + ": " + describe(e), null, e);
    }
  }

  // Synchronized: concurrent first orders must not each create an account.
  private synchronized Login login(Session s, CertName name) throws AcmeFailure {
    URI dir = config.directory();
    try {
      Optional<AccountRepository.StoredAccount> stored = accounts.load(dir);
      if (stored.isPresent() && stored.get().location() != null) {
        return s.login(stored.get().location(), stored.get().keyPair());
      }
      KeyPair key = stored.map(AccountRepository.StoredAccount::keyPair).orElse(null);
      if (key == null) {
        key = generate(KeyType.EC_P256);
        accounts.save(dir, new AccountRepository.StoredAccount(key, null));
      }
      AccountBuilder b = new AccountBuilder().addEmail(config.email()).agreeToTermsOfService().useKeyPair(key);
      if (config.eab() != null) {
        b.withKeyIdentifier(config.eab().keyId(), secrets.resolve(config.eab().hmacKey()).reveal());
      } else if (s.getMetadata().isExternalAccountRequired()) {
        throw new AcmeFailure(name, AcmeStep.ACCOUNT, null, "the CA requires External Account Binding:"
            + " set acme.eab.key-id and acme.eab.hmac-key", null, null);
      }
      Login login = b.createLogin(s);
      accounts.save(dir, new AccountRepository.StoredAccount(key, login.getAccount().getLocation()));
      log.info("ACME account {} ready at {}", login.getAccount().getLocation(), dir);
      return login;
    } catch (AcmeException | IOException | GeneralSecurityException | SecretResolver.SecretException e) {
      throw fail(name, AcmeStep.ACCOUNT, null, e);
    }
  }

  // ---- order ------------------------------------------------------------------------------

  private Order order(Session s, Login login, CertRequest req) throws AcmeFailure {
    try {
      Optional<OrderJournal.PendingOrder> pending = journal.pending(req.name());
      if (pending.isPresent()) {
        Optional<Order> resumed = resume(login, pending.get(), req);
        if (resumed.isPresent()) {
          return resumed.get();
        }
        journal.clear(req.name());
      }
      Metadata meta = s.getMetadata();
      OrderBuilder b = login.getAccount().newOrder().domains(req.domains().stream().map(DnsName::value).toList());
      if (req.profile() != null) {
        if (!meta.isProfileAllowed()) {
          throw new AcmeFailure(req.name(), AcmeStep.ORDER, null, "profile \"" + req.profile()
              + "\" is configured, but the CA offers no profiles", null, null);
        }
        if (!meta.isProfileAllowed(req.profile())) {
          throw new AcmeFailure(req.name(), AcmeStep.ORDER, null, "profile \"" + req.profile()
              + "\" is not offered by the CA (offered: " + String.join(", ", new TreeSet<>(meta.getProfiles())) + ")", null, null);
        }
        b.profile(req.profile());
      }
      if (req.replaces() != null && s.resourceUrlOptional(Resource.RENEWAL_INFO).isPresent()) {
        try {
          String certId = AcmeUtils.getRenewalUniqueIdentifier(req.replaces());
          b.replaces(certId);
          log.info("{}: the order replaces certificate {}", req.name(), certId);
        } catch (AcmeProtocolException e) {
          // replaces only lets the CA exempt the renewal from rate limits; ordering without it is still right.
          log.warn("{}: not sending ARI replaces: the previous certificate has no usable CertID ({})", req.name(),
              describe(e));
        }
      }
      Order order = b.create();
      journal.record(req.name(), new OrderJournal.PendingOrder(order.getLocation(), null));
      log.info("{}: order {} created for {}", req.name(), order.getLocation(), req.domains());
      return order;
    } catch (AcmeException | IOException e) {
      throw fail(req.name(), AcmeStep.ORDER, names(req), e);
    }
  }

  /** A journalled order is reused while it can still produce a certificate we hold the key for. */
  private Optional<Order> resume(Login login, OrderJournal.PendingOrder pending, CertRequest req) {
    try {
      Order order = login.bindOrder(pending.location());
      order.fetch();
      Set<String> wanted = new HashSet<>(req.domains().stream().map(DnsName::value).toList());
      Set<String> ordered = new HashSet<>(order.getIdentifiers().stream().map(Identifier::getDomain).toList());
      Status st = order.getStatus();
      boolean keyNeeded = st == Status.PROCESSING || st == Status.VALID;
      if (!wanted.equals(ordered) || st == Status.INVALID || (keyNeeded && pending.keyPair() == null)) {
        log.info("{}: not resuming order {} (status {}, names {})", req.name(), pending.location(), st, ordered);
        return Optional.empty();
      }
      log.info("{}: resuming order {} (status {})", req.name(), pending.location(), st);
      return Optional.of(order);
    } catch (AcmeException | RuntimeException e) {
      log.info("{}: cannot resume order {}: {}", req.name(), pending.location(), describe(e));
      return Optional.empty();
    }
  }

  // ---- authorizations ---------------------------------------------------------------------

  private void authorize(Order order, CertRequest req, Dns01Solver solver) throws AcmeFailure, InterruptedException {
    List<Authorization> pending = new ArrayList<>();
    List<Dns01Challenge> challenges = new ArrayList<>();
    List<Dns01Solver.Challenge> records = new ArrayList<>();
    try {
      for (Authorization auth : order.getAuthorizations()) {
        if (auth.getStatus() == Status.VALID) {
          continue;
        }
        String domain = auth.getIdentifier().getDomain();
        if (auth.getStatus() != Status.PENDING) {
          throw new AcmeFailure(req.name(), AcmeStep.AUTHORIZE, domain, "authorization is " + auth.getStatus()
              + problem(auth.getChallenges().stream().flatMap(c -> c.getError().stream()).findFirst()), null, null);
        }
        Dns01Challenge ch = auth.findChallenge(Dns01Challenge.class).orElseThrow(() -> new AcmeFailure(req.name(),
            AcmeStep.AUTHORIZE, domain, "the CA offers no dns-01 challenge", null, null));
        pending.add(auth);
        challenges.add(ch);
        records.add(new Dns01Solver.Challenge(DnsName.parse(domain), ch.getDigest()));
      }
    } catch (AcmeFailure e) {
      throw e;
    } catch (RuntimeException e) {
      throw fail(req.name(), AcmeStep.AUTHORIZE, null, e);
    }
    if (pending.isEmpty()) {
      return;
    }
    AcmeFailure failure = null;
    Dns01Solver.Publication published = null;
    try {
      published = solver.publish(records);
      for (Dns01Challenge ch : challenges) {
        ch.trigger();
      }
      Instant deadline = clock.instant().plus(timeout);
      for (int i = 0; i < challenges.size(); i++) {
        Dns01Challenge ch = challenges.get(i);
        String domain = pending.get(i).getIdentifier().getDomain();
        Status st = await(ch, Set.of(Status.VALID, Status.INVALID), deadline, req, AcmeStep.VALIDATE, domain);
        if (st == Status.INVALID) {
          throw new AcmeFailure(req.name(), AcmeStep.VALIDATE, domain, "the CA rejected the dns-01 challenge"
              + problem(ch.getError()), null, null);
        }
      }
    } catch (Dns01Solver.Dns01Exception e) {
      failure = new AcmeFailure(req.name(), AcmeStep.PUBLISH, null, e.getMessage(), null, e);
    } catch (AcmeException e) {
      failure = fail(req.name(), AcmeStep.VALIDATE, null, e);
    } catch (AcmeFailure e) {
      failure = e;
    } finally {
      if (published != null) {
        try {
          published.close();
        } catch (Dns01Solver.Dns01Exception e) {
          AcmeFailure cleanup = new AcmeFailure(req.name(), AcmeStep.CLEANUP, null, e.getMessage(), null, e);
          if (failure == null) {
            failure = cleanup;
          } else {
            failure.addSuppressed(cleanup);
          }
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  // ---- finalize and download --------------------------------------------------------------

  private KeyPair finalizeOrder(Order order, CertRequest req) throws AcmeFailure, InterruptedException {
    Instant deadline = clock.instant().plus(timeout);
    try {
      Status st = await(order, Set.of(Status.READY, Status.PROCESSING, Status.VALID, Status.INVALID), deadline, req,
          AcmeStep.FINALIZE, null);
      if (st == Status.INVALID) {
        throw new AcmeFailure(req.name(), AcmeStep.FINALIZE, null, "order became invalid" + problem(order.getError()), null, null);
      }
      OrderJournal.PendingOrder pending = journal.pending(req.name()).orElse(null);
      KeyPair key = pending != null && pending.keyPair() != null ? pending.keyPair() : null;
      if (st == Status.READY) {
        if (key == null) {
          key = req.reuseKey() != null ? req.reuseKey() : generate(req.keyType());
          // Durable before the CA signs anything for it.
          journal.record(req.name(), new OrderJournal.PendingOrder(order.getLocation(), key));
        }
        order.execute(key);
      }
      if (key == null) {
        throw new AcmeFailure(req.name(), AcmeStep.FINALIZE, null, "order " + order.getLocation()
            + " was finalized without a journalled key", null, null);
      }
      st = await(order, Set.of(Status.VALID, Status.INVALID), deadline, req, AcmeStep.FINALIZE, null);
      if (st == Status.INVALID) {
        throw new AcmeFailure(req.name(), AcmeStep.FINALIZE, null, "order became invalid" + problem(order.getError()), null, null);
      }
      return key;
    } catch (AcmeException | IOException | GeneralSecurityException e) {
      throw fail(req.name(), AcmeStep.FINALIZE, names(req), e);
    }
  }

  private Issued download(Order order, KeyPair key, CertRequest req) throws AcmeFailure {
    try {
      Certificate cert = order.getCertificate();
      cert.download();
      if (req.preferredChain() != null) {
        Optional<Certificate> alt = cert.findCertificate(req.preferredChain());
        if (alt.isPresent()) {
          cert = alt.get();
        } else {
          log.warn("{}: no chain issued by \"{}\"; using the CA's default chain", req.name(), req.preferredChain());
        }
      }
      Issued issued = new Issued(cert.getCertificateChain(), key, order.getLocation());
      log.info("{}: issued serial {} valid until {}", req.name(), issued.leaf().getSerialNumber().toString(16),
          issued.leaf().getNotAfter().toInstant());
      return issued;
    } catch (AcmeException | RuntimeException e) {
      throw fail(req.name(), AcmeStep.DOWNLOAD, names(req), e);
    }
  }

  // ---- polling ----------------------------------------------------------------------------

  /**
   * Polls {@code resource} until its status is one of {@code done}: after Retry-After when the CA
   * sends one, else after a short ramp (250 ms, 500 ms) every {@link #pollInterval}.
   */
  private Status await(AcmeJsonResource resource, Set<Status> done, Instant deadline, CertRequest req, AcmeStep step,
      @Nullable String domain) throws AcmeException, AcmeFailure, InterruptedException {
    Status st = statusOf(resource);
    int polls = 0;
    while (!done.contains(st)) {
      Instant now = clock.instant();
      if (!now.isBefore(deadline)) {
        throw new AcmeFailure(req.name(), step, domain, "the CA did not finish within " + timeout.toSeconds()
            + " s (last status " + st + ")", null, null);
      }
      Duration wait = polls == 0 ? Duration.ofMillis(250) : polls == 1 ? Duration.ofMillis(500) : pollInterval;
      Optional<Instant> retryAfter = resource.getRetryAfter();
      if (retryAfter.isPresent() && retryAfter.get().isAfter(now)) {
        wait = Duration.between(now, retryAfter.get());
      }
      Duration left = Duration.between(now, deadline);
      sleeper.sleep(wait.compareTo(left) > 0 ? left : wait);
      resource.fetch();
      st = statusOf(resource);
      polls++;
    }
    return st;
  }

  private static Status statusOf(AcmeJsonResource r) {
    if (r instanceof Order o) {
      return o.getStatus();
    }
    if (r instanceof Dns01Challenge c) {
      return c.getStatus();
    }
    if (r instanceof Authorization a) {
      return a.getStatus();
    }
    throw new IllegalArgumentException("cannot poll " + r.getClass().getSimpleName());
  }

  // ---- helpers ----------------------------------------------------------------------------

  static KeyPair generate(KeyType type) throws GeneralSecurityException {
    KeyPairGenerator g;
    switch (type) {
      case EC_P256 -> {
        g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
      }
      case EC_P384 -> {
        g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
      }
      case RSA_2048, RSA_3072, RSA_4096 -> {
        g = KeyPairGenerator.getInstance("RSA");
        g.initialize(Integer.parseInt(type.id().substring(4)));
      }
      default -> throw new IllegalArgumentException("unsupported key type " + type);
    }
    return g.generateKeyPair();
  }

  private AcmeFailure fail(CertName name, AcmeStep step, @Nullable String domain, Exception e) {
    Instant retry = e instanceof AcmeRateLimitedException r ? r.getRetryAfter().orElse(null) : null;
    return new AcmeFailure(name, step, domain, describe(e), retry, e);
  }

  private static String describe(Exception e) {
    if (e instanceof AcmeRateLimitedException r) {
      return "rate limited by the CA" + r.getRetryAfter().map(t -> " until " + t).orElse("") + problem(Optional.ofNullable(r.getProblem()));
    }
    if (e instanceof AcmeServerException s) {
      return "the CA answered " + s.getType() + problem(Optional.ofNullable(s.getProblem()));
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  /** The order's names, for errors of steps that concern all of them. */
  private static String names(CertRequest req) {
    return String.join(", ", req.domains().stream().map(DnsName::value).toList());
  }

  private static String problem(Optional<Problem> p) {
    return p.map(x -> ": " + x.getDetail().orElse(x.getType().toString())).orElse("");
  }
}
