package org.certfleet.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.certfleet.alert.AlertBook;
import org.certfleet.audit.AuditEntry;
import org.certfleet.config.AppConfig;
import org.certfleet.config.CertSpec;
import org.certfleet.config.ConfigException;
import org.certfleet.deploy.NodeResult;
import org.certfleet.deploy.NodeStatus;
import org.certfleet.inventory.ExpiryReport;
import org.certfleet.inventory.InventoryReport;
import org.certfleet.metrics.CertfleetMetrics;
import org.certfleet.operation.Alerts;
import org.certfleet.operation.Renewal;
import org.certfleet.operation.Report;
import org.certfleet.operation.Toolkit;
import org.certfleet.operation.Watch;
import org.certfleet.renewal.Outcome;
import org.certfleet.renewal.RenewalPolicy;
import org.certfleet.ssh.SshConnector;
import org.certfleet.state.StateStores;
import org.certfleet.store.CertificateLocks;
import org.certfleet.store.CertificateStore;
import org.certfleet.store.StoreLockedException;
import org.certfleet.web.JobStatus;
import org.certfleet.web.StatusPage;
import org.certfleet.web.StatusServer;
import org.certfleet.web.StatusSnapshot;
import org.jspecify.annotations.Nullable;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.CronTrigger;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code certfleet daemon}: schedules the operations the CLI runs, on Quartz.
 *
 * <p>Jobs: {@code renew:<cert>} per certificate (on {@code schedule.renewal-check}, at the moment the
 * renewal policy picks, right after start and reload; it renews what is due, distributes what was
 * renewed and re-distributes to nodes the store does not record as current), {@code watch} (the
 * monitoring cycle on {@code schedule.inventory-scan}: scan, alerts, heartbeat; also right after
 * start) and {@code report} ({@code schedule.report}). A job never overlaps with itself (Quartz) nor
 * with another job (this daemon's lock), and never runs while a CLI command holds the state lock: it
 * skips with a log line and retries a minute later. A cron fire missed while the daemon was down runs
 * once at start-up.
 *
 * <p>{@link #stop} stops scheduling and waits for the running job to end, bounded by
 * {@code daemon.stop-timeout}; jobs do not start new work while stopping, and a rollout always finishes
 * the node it is on (switch, test, reload, verify or roll back). {@link #reload} re-reads certs.yaml:
 * a valid file reschedules, an invalid one is logged and the running config kept.
 */
public final class Daemon {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);
  static final Duration LOCKED_RETRY = Duration.ofMinutes(1);
  static final Duration BEHIND_RETRY = Duration.ofMinutes(5);
  private static final String RENEW = "renew:";
  private static final String WATCH = "watch";
  private static final String REPORT = "report";
  private static final int RECENT_AUDIT = 20;

  /** Loads and validates certs.yaml; throws {@link ConfigException} for a bad one. */
  @FunctionalInterface
  public interface ConfigSource {
    AppConfig load();
  }

  /** What the daemon needs besides its scheduler, e.g. the cluster database; checked in the background. */
  @FunctionalInterface
  public interface HealthCheck {
    /** Why the daemon can work only partly (e.g. {@code database unreachable: …}), empty when fine. Bounded in time. */
    Optional<String> problem();
  }

  /** The trigger data key that makes a monitoring cycle arm every renewal check when it ends. */
  static final String ARM_RENEWALS = "arm-renewals";
  static final Duration HEALTH_EVERY = Duration.ofSeconds(5);

  private final ConfigSource source;
  private final Toolkit kit;
  private final SchedulerSetup setup;
  private final CertificateLocks locks;
  private final HealthCheck health;
  private final CertfleetMetrics metrics = new CertfleetMetrics();
  private final RenewalPolicy policy = new RenewalPolicy();
  private final ReentrantLock work = new ReentrantLock(true);
  private final AtomicBoolean stopping = new AtomicBoolean();
  /** What the signal handlers ask of the main thread; it blocks on this, so an idle daemon never polls. */
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();

  private enum Request { STOP, RELOAD }
  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  /**
   * Held while the schedule is replaced (reload) and while the post-watch renewal checks are armed, so a
   * watch that started under the old config arms the checks of the config in force, never of a half-built
   * schedule.
   */
  private final Object rescheduling = new Object();

  private volatile @Nullable AppConfig config;
  private volatile @Nullable Scheduler scheduler;
  private volatile @Nullable InventoryReport inventory;
  private volatile @Nullable Instant cycleStarted;
  private volatile @Nullable Instant cycleFinished;
  private volatile boolean cycleOk;
  private volatile @Nullable String degraded;
  /** The jobs and their next fire times as last read from a shared store (see {@link #checkHealth}). */
  private volatile Map<String, Optional<Instant>> nextRuns = Map.of();
  /** The latest audit entries of a cluster's shared log, as last read by {@link #checkHealth}. */
  private volatile List<AuditEntry> recentAudit = List.of();
  private java.util.concurrent.@Nullable ScheduledExecutorService healthProbe;
  private @Nullable StatusServer server;
  private @Nullable SshConnector ssh;
  private @Nullable RunHistory history;

  private record Run(Instant at, String outcome) {}

  /** A single instance: no certificate locks beyond the state lock, nothing else to watch. */
  public Daemon(ConfigSource source, Toolkit kit, SchedulerSetup setup) {
    this(source, kit, setup, CertificateLocks.LOCAL, Optional::empty);
  }

  /**
   * @param locks taken around each certificate's renewal and distribution (a clustered daemon's are
   *     in the database)
   * @param health checked every few seconds in the background; a problem shows as degraded on
   *     {@code /healthz} and the status page
   */
  public Daemon(ConfigSource source, Toolkit kit, SchedulerSetup setup, CertificateLocks locks, HealthCheck health) {
    this.source = source;
    this.kit = kit;
    this.setup = setup;
    this.locks = locks;
    this.health = health;
  }

  /**
   * Loads the config, schedules every job, starts the status server.
   *
   * @throws ConfigException for a bad certs.yaml (nothing started)
   */
  public void start() throws IOException, SchedulerException {
    AppConfig cfg = source.load();
    config = cfg;
    history = new RunHistory(cfg.stateDir());
    ssh = new SshConnector(kit.secrets());
    Scheduler s = setup.create();
    s.setJobFactory((bundle, sched) -> new DaemonJob(this));
    scheduler = s;
    schedule(s, cfg, true);
    s.start();
    startHealthProbe();
    server = StatusServer.start(new InetSocketAddress(InetAddress.getByName(cfg.daemon().listenHost()),
        cfg.daemon().listenPort()), this::snapshot, metrics, new StatusPage());
    log.info("daemon started: {} certificate(s), {} node(s); renewal check \"{}\", inventory \"{}\", report \"{}\" ({})",
        cfg.certificates().size(), cfg.nodes().size(), cfg.schedule().renewalCheck(), cfg.schedule().inventoryScan(),
        cfg.schedule().report(), cfg.schedule().timeZone());
  }

  /** The address the status server listens on. */
  public InetSocketAddress address() {
    return server == null ? new InetSocketAddress(0) : server.address();
  }

  /**
   * Installs the signal handlers and blocks until SIGTERM/SIGINT (or {@link #requestStop}), handling
   * SIGHUP reloads meanwhile; then stops. Returns the exit code: 0 when every job ended in time.
   */
  public int runUntilStopped() throws InterruptedException {
    Signals.install(this::requestStop, this::requestReload);
    while (requests.take() == Request.RELOAD) {
      reload();
    }
    return stop() ? 0 : 1;
  }

  public void requestStop() {
    requests.add(Request.STOP);
  }

  public void requestReload() {
    requests.add(Request.RELOAD);
  }

  /**
   * Re-reads certs.yaml. A valid file replaces the running config and reschedules every job; an
   * invalid one is logged with all its errors and the running config stays.
   *
   * @return whether the new config was taken
   */
  public boolean reload() {
    AppConfig next;
    try {
      next = source.load();
    } catch (ConfigException e) {
      log.error("reload refused, keeping the running configuration:\n{}", e.getMessage());
      return false;
    }
    AppConfig old = config;
    if (old != null && (!old.daemon().listenHost().equals(next.daemon().listenHost())
        || old.daemon().listenPort() != next.daemon().listenPort())) {
      log.warn("daemon.listen changed; the status server keeps {} until the daemon restarts", address());
    }
    synchronized (rescheduling) {
      try {
        Scheduler s = scheduler;
        if (s != null) {
          schedule(s, next, false);
        }
        config = next;
      } catch (SchedulerException e) {
        log.error("reload: rescheduling failed ({}); keeping the running configuration", e.getMessage());
        restore(old);
        return false;
      }
    }
    log.info("reloaded {}: {} certificate(s), {} node(s)", next.source(), next.certificates().size(), next.nodes().size());
    return true;
  }

  private void restore(@Nullable AppConfig old) {
    Scheduler s = scheduler;
    if (s == null || old == null) {
      return;
    }
    try {
      schedule(s, old, false);
    } catch (SchedulerException e) {
      log.error("reload: the running configuration could not be rescheduled either ({}); restart the daemon",
          e.getMessage());
    }
  }

  /**
   * Stops scheduling, lets the running job finish within {@code daemon.stop-timeout}, stops the status
   * server and the SSH client.
   *
   * @return false when a job was still running at the time limit
   */
  public boolean stop() throws InterruptedException {
    stopping.set(true);
    AppConfig cfg = config;
    Duration limit = cfg == null ? Duration.ofMinutes(2) : cfg.daemon().stopTimeout();
    log.info("stopping: no new jobs; waiting up to {} s for the running one", limit.toSeconds());
    boolean clean = true;
    Scheduler s = scheduler;
    if (s != null) {
      try {
        s.standby();
      } catch (SchedulerException e) {
        log.warn("scheduler standby: {}", e.getMessage());
      }
      Thread waiter = new Thread(() -> {
        try {
          s.shutdown(true);
        } catch (SchedulerException e) {
          log.warn("scheduler shutdown: {}", e.getMessage());
        }
      }, "certfleet-stop");
      waiter.setDaemon(true);
      waiter.start();
      waiter.join(limit.toMillis());
      if (waiter.isAlive()) {
        clean = false;
        log.error("a job was still running after {} s (daemon.stop-timeout): {}; exiting anyway", limit.toSeconds(),
            runs.entrySet().stream().filter(e -> e.getValue().outcome().equals("running")).map(Map.Entry::getKey).toList());
      }
    }
    if (healthProbe != null) {
      healthProbe.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
    if (ssh != null) {
      ssh.close();
    }
    log.info("stopped");
    return clean;
  }

  // ---- scheduling -----------------------------------------------------------------------------

  /**
   * Makes the scheduler's jobs and cron triggers those of {@code cfg}, changing only what differs: a
   * trigger whose expression and time zone are unchanged keeps its next fire time (and, in a shared
   * store, its state), the one-shot {@code <job>:at} triggers stay, and the jobs of certificates no
   * longer configured go with their triggers. Never clears the store: in a cluster that would wipe what
   * the other instances armed. Every instance may run this at once; each step tolerates the others'.
   */
  private void schedule(Scheduler s, AppConfig cfg, boolean startup) throws SchedulerException {
    TimeZone tz = TimeZone.getTimeZone(cfg.schedule().timeZone());
    Instant now = kit.clock().instant();
    Set<String> wanted = new java.util.HashSet<>();
    for (CertSpec c : cfg.certificates()) {
      String name = RENEW + c.name().value();
      wanted.add(name);
      upsert(s, name, cfg.schedule().renewalCheck(), tz);
    }
    upsert(s, WATCH, cfg.schedule().inventoryScan(), tz);
    upsert(s, REPORT, cfg.schedule().report(), tz);
    wanted.add(WATCH);
    wanted.add(REPORT);
    for (JobKey k : s.getJobKeys(org.quartz.impl.matchers.GroupMatcher.jobGroupEquals(JobKey.DEFAULT_GROUP))) {
      if (!wanted.contains(k.getName())) {
        s.deleteJob(k);
        log.info("{}: removed (no longer in {})", k.getName(), cfg.source());
      }
    }
    // Right after start and reload: the monitoring cycle first (alerts and the status page show the fleet
    // as found), then a renewal check of every certificate (cheap, and it catches up whatever was missed
    // while the daemon was down); the trigger carries that, so in a cluster whichever instance runs the
    // cycle arms the checks.
    once(s, WATCH + ":now", true);
    // A report missed while the daemon was down is sent once. A shared store keeps the report's cron
    // trigger across restarts, so its misfire handling (fire once now) does this there, exactly once.
    if (startup && !setup.clustered() && missed(REPORT, cfg.schedule().report(), tz, now)) {
      log.info("the expiry report was due while the daemon was down: sending it now");
      once(s, REPORT + ":now", false);
    }
  }

  /** Adds job {@code name} with its cron trigger, or replaces the trigger only when its definition changed. */
  private static void upsert(Scheduler s, String name, String expression, TimeZone tz) throws SchedulerException {
    Trigger wanted = cron(name, expression, tz);
    if (!s.checkExists(JobKey.jobKey(name))) {
      try {
        s.scheduleJob(job(name), Set.of(wanted), false);
        return;
      } catch (ObjectAlreadyExistsException e) {
        // another instance added it a moment ago: compare with theirs below
      }
    }
    Trigger existing = s.getTrigger(wanted.getKey());
    if (existing == null) {
      try {
        s.scheduleJob(wanted);
      } catch (ObjectAlreadyExistsException e) {
        // added by another instance meanwhile, from the same certs.yaml
      }
    } else if (!(existing instanceof CronTrigger c) || !c.getCronExpression().equals(expression)
        || !c.getTimeZone().getID().equals(tz.getID()) || c.getMisfireInstruction() != wanted.getMisfireInstruction()) {
      s.rescheduleJob(wanted.getKey(), wanted);
      log.info("{}: schedule changed to \"{}\" ({})", name, expression, tz.getID());
    }
  }

  /**
   * Fires the one-shot trigger {@code key} now: adds it, or re-arms it when it exists. A waiting trigger
   * then still runs once (another instance's start added it: one run is what both want). A trigger whose
   * run is under way stays in the store until that run ends, and that run may already be past the point
   * where it read the configuration (a cycle arms the renewal checks of the configuration it ends with):
   * re-armed, the job runs again right after it, with the configuration of now.
   */
  static void once(Scheduler s, String key, boolean armRenewals) throws SchedulerException {
    Trigger t = now(key, armRenewals);
    if (s.checkExists(t.getKey()) && s.rescheduleJob(t.getKey(), t) != null) {
      return;
    }
    try {
      s.scheduleJob(t);
    } catch (ObjectAlreadyExistsException e) {
      s.rescheduleJob(t.getKey(), t); // added a moment ago by another instance's start
    }
  }

  /** Whether a fire of {@code cron} fell between the job's last recorded run and {@code now}. */
  private boolean missed(String job, String cron, TimeZone tz, Instant now) {
    Instant last = history == null ? null : history.lastRun(job);
    if (last == null) {
      return false;
    }
    try {
      CronExpression e = new CronExpression(cron);
      e.setTimeZone(tz);
      Date next = e.getTimeAfter(Date.from(last));
      return next != null && !next.toInstant().isAfter(now);
    } catch (java.text.ParseException ex) {
      return false; // validated at load
    }
  }

  private static JobDetail job(String name) {
    return JobBuilder.newJob(DaemonJob.class).withIdentity(name).storeDurably().build();
  }

  private static Trigger cron(String job, String expression, TimeZone tz) {
    return TriggerBuilder.newTrigger().withIdentity(job + ":cron").forJob(job)
        .withSchedule(CronScheduleBuilder.cronSchedule(expression).inTimeZone(tz).withMisfireHandlingInstructionFireAndProceed())
        .build();
  }

  private static Trigger now(String key, boolean armRenewals) {
    String job = key.substring(0, key.lastIndexOf(':'));
    TriggerBuilder<org.quartz.SimpleTrigger> b = TriggerBuilder.newTrigger().withIdentity(key).forJob(job).startNow()
        .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow());
    if (armRenewals) {
      b.usingJobData(ARM_RENEWALS, "true"); // a string: the JDBC store keeps job data as properties
    }
    return b.build();
  }

  /** (Re)arms the one-shot trigger {@code <job>:at} at {@code at}. */
  private void at(String job, Instant at) {
    Scheduler s = scheduler;
    if (s == null || stopping.get()) {
      return;
    }
    TriggerKey key = TriggerKey.triggerKey(job + ":at");
    Trigger t = TriggerBuilder.newTrigger().withIdentity(key).forJob(job).startAt(Date.from(at))
        .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow()).build();
    try {
      if (s.checkExists(key)) {
        s.rescheduleJob(key, t);
      } else if (s.checkExists(JobKey.jobKey(job))) {
        try {
          s.scheduleJob(t);
        } catch (ObjectAlreadyExistsException e) {
          s.rescheduleJob(key, t); // another instance armed it meanwhile: the later moment wins either way
        }
      }
    } catch (SchedulerException e) {
      log.warn("{}: cannot schedule the next check at {}: {}", job, at, e.getMessage());
    }
  }

  // ---- the jobs -------------------------------------------------------------------------------

  /** Runs one job; called on a Quartz worker thread. Never throws: every outcome is logged and shown. */
  void run(String job) {
    run(job, false);
  }

  /**
   * @param armRenewals after a monitoring cycle, arm a renewal check of every certificate now (the
   *     cycle fired for a start or reload)
   */
  void run(String job, boolean armRenewals) {
    if (stopping.get()) {
      log.info("{}: not started, the daemon is stopping", job);
      return;
    }
    AppConfig cfg = config;
    if (cfg == null) {
      return;
    }
    Instant started = kit.clock().instant();
    try {
      if (!work.tryLock()) {
        log.info("{}: waiting for the running job to finish", job);
        work.lockInterruptibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    runs.put(job, new Run(started, "running"));
    log.info("{}: started", job);
    String outcome;
    try {
      if (stopping.get()) {
        outcome = "not started: stopping";
      } else if (job.startsWith(RENEW)) {
        outcome = renew(cfg, job, job.substring(RENEW.length()));
      } else if (job.equals(WATCH)) {
        outcome = watch(cfg, armRenewals);
      } else if (job.equals(REPORT)) {
        outcome = report(cfg);
      } else {
        outcome = "unknown job";
      }
      if (history != null) {
        history.ran(job, started);
      }
    } catch (StoreLockedException e) {
      outcome = "skipped: " + e.getMessage();
      log.info("{} skipped, retrying in {} s: {}", job, LOCKED_RETRY.toSeconds(), e.getMessage());
      at(job, kit.clock().instant().plus(LOCKED_RETRY));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = "interrupted";
    } catch (IOException | RuntimeException e) {
      outcome = "failed: " + e.getMessage();
      log.error("{} failed: {}", job, e.getMessage(), e);
    } finally {
      work.unlock();
    }
    runs.put(job, new Run(started, outcome));
    log.info("{}: {}", job, outcome);
    // The daemon idles for hours between jobs: collecting a job's garbage now lets the heap shrink back
    // (with the unit's MaxHeapFreeRatio) instead of holding the peak for the whole idle time.
    System.gc();
  }

  private Alerts alerts(AppConfig cfg) {
    return new Alerts(cfg, kit, (AlertBook.Delivery d) -> metrics.alertDelivery(d.channel(), d.ok()));
  }

  private String renew(AppConfig cfg, String job, String cert) throws IOException, InterruptedException {
    Optional<CertSpec> spec = cfg.certificate(cert);
    if (spec.isEmpty()) {
      return "no such certificate any more";
    }
    Optional<CertificateLocks.Held> held = locks.tryLock(spec.get().name());
    if (held.isEmpty()) {
      // Another instance renews or distributes it right now; it arms the next check when done.
      at(job, kit.clock().instant().plus(LOCKED_RETRY));
      return "skipped: another instance is working on " + cert;
    }
    try (CertificateLocks.Held lock = held.get()) {
      return renewLocked(cfg, job, spec.get());
    }
  }

  private String renewLocked(AppConfig cfg, String job, CertSpec certSpec) throws IOException, InterruptedException {
    String cert = certSpec.name().value();
    Optional<CertSpec> spec = Optional.of(certSpec);
    SshConnector connector = ssh;
    // The job holds the certificate's lock already.
    Renewal.Result r = Renewal.run(cfg, kit, alerts(cfg), List.of(spec.get()), false, true, true, CertificateLocks.LOCAL,
        () -> connector);
    List<String> parts = new ArrayList<>();
    for (Outcome o : r.outcomes()) {
      if (o.kind() != Outcome.Kind.SKIPPED) {
        metrics.renewal(cert, o.kind() == Outcome.Kind.RENEWED, o.took());
      }
      parts.add(o.kind().name().toLowerCase(java.util.Locale.ROOT) + ": " + o.detail());
    }
    if (r.deployed() != null) {
      long good = 0;
      for (NodeResult n : r.deployed().nodes()) {
        if (n.status() == NodeStatus.DEPLOYED || n.status() == NodeStatus.FAILED) {
          metrics.deployment(cert, n.node(), n.status() == NodeStatus.DEPLOYED, n.took());
        }
        good += n.status().good() ? 1 : 0;
      }
      parts.add("distributed: " + good + "/" + r.deployed().nodes().size() + " node(s) serve the current version");
    }
    // The next check: when the policy says, sooner while nodes are behind.
    CertificateStore store = kit.stores(cfg).reader();
    Instant now = kit.clock().instant();
    RenewalPolicy.Decision next = policy.decide(spec.get(), store.find(spec.get().name()),
        store.metadata(spec.get().name()), now, false);
    Instant at = next.nextCheck().orElse(null);
    if (!Renewal.behind(cfg, store, spec.get()).isEmpty()) {
      Instant retry = now.plus(BEHIND_RETRY);
      at = at == null || retry.isBefore(at) ? retry : at;
    }
    if (at != null) {
      at(job, at);
    }
    return String.join("; ", parts);
  }

  private String watch(AppConfig cfg, boolean armRenewals) throws IOException, InterruptedException {
    try {
      return cycle(cfg);
    } finally {
      synchronized (rescheduling) {
        AppConfig current = config;
        if (armRenewals && current != null) {
          Instant now = kit.clock().instant();
          current.certificates().forEach(c -> at(RENEW + c.name().value(), now));
        }
      }
    }
  }

  private String cycle(AppConfig cfg) throws IOException, InterruptedException {
    // The writer only keeps the cycle apart from CLI commands on a state directory; it writes nothing.
    try (StateStores.Writer writer = kit.stores(cfg).writer()) {
      cycleStarted = kit.clock().instant();
      Watch.Result w = Watch.cycle(cfg, kit, alerts(cfg), cfg.certificates(), ssh);
      inventory = w.report();
      metrics.inventory(w.report());
      Instant done = kit.clock().instant();
      cycleFinished = done;
      cycleOk = true;
      metrics.cycleSucceeded(done);
      String alerts = w.alerts() == null ? "alerts not evaluated: " + w.alertError()
          : w.alerts().deliveries().stream().filter(AlertBook.Delivery::ok).count() + " alert(s) delivered"
              + (w.alerts().waiting() > 0 ? ", " + w.alerts().waiting() + " waiting" : "");
      return w.report().findings().size() + " finding(s); " + alerts;
    } catch (IOException | RuntimeException e) {
      cycleFinished = kit.clock().instant();
      cycleOk = false;
      throw e;
    }
  }

  private String report(AppConfig cfg) throws IOException, InterruptedException {
    try (StateStores.Writer writer = kit.stores(cfg).writer()) {
      InventoryReport report = Watch.scan(cfg, kit, cfg.certificates(), ssh);
      ExpiryReport.Text text = Report.render(cfg, report);
      AlertBook.Result r = Report.post(alerts(cfg), report, text);
      return "report: " + (r.allDelivered() ? "delivered" : r.waiting() + " delivery(ies) waiting");
    }
  }

  // ---- status -----------------------------------------------------------------------------------

  private void startHealthProbe() {
    java.util.concurrent.ScheduledExecutorService probe = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "certfleet-health");
      t.setDaemon(true);
      return t;
    });
    probe.scheduleWithFixedDelay(this::checkHealth, 0, HEALTH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    healthProbe = probe;
  }

  /** Each job's next fire time, read from the scheduler's store. */
  private static Map<String, Optional<Instant>> nextRuns(Scheduler s) throws SchedulerException {
    Map<String, Optional<Instant>> out = new java.util.TreeMap<>();
    if (s.isShutdown()) {
      return out;
    }
    for (String group : s.getJobGroupNames()) {
      for (JobKey k : s.getJobKeys(org.quartz.impl.matchers.GroupMatcher.jobGroupEquals(group))) {
        Date next = null;
        for (Trigger t : s.getTriggersOfJob(k)) {
          Date n = t.getNextFireTime();
          if (n != null && (next == null || n.before(next))) {
            next = n;
          }
        }
        out.put(k.getName(), Optional.ofNullable(next).map(Date::toInstant));
      }
    }
    return out;
  }

  /**
   * Runs the health check and keeps its answer for the probes, which must not wait on a database; then,
   * while the store answers, refreshes the jobs' next fire times that a clustered daemon shows.
   */
  void checkHealth() {
    String was = degraded;
    String now;
    try {
      now = health.problem().orElse(null);
    } catch (RuntimeException e) {
      now = "health check failed: " + e.getClass().getSimpleName();
    }
    degraded = now;
    Scheduler s = scheduler;
    if (now == null && s != null && setup.clustered()) {
      try {
        nextRuns = nextRuns(s);
      } catch (SchedulerException e) {
        log.debug("job list not refreshed: {}", e.getMessage());
      }
    }
    AppConfig cfg = config;
    if (now == null && cfg != null && cfg.clustered()) {
      try {
        recentAudit = kit.stores(cfg).audit().recent(RECENT_AUDIT);
      } catch (IOException | RuntimeException e) {
        log.debug("recent audit entries not refreshed: {}", e.getMessage());
      }
    }
    if (now != null && !now.equals(was)) {
      log.warn("degraded: {}", now);
    } else if (now == null && was != null) {
      log.info("recovered: {} no longer applies", was);
    }
  }

  StatusSnapshot snapshot() {
    AppConfig cfg = config;
    Scheduler s = scheduler;
    boolean running;
    List<JobStatus> jobs = new ArrayList<>();
    try {
      running = s != null && s.isStarted() && !s.isInStandbyMode() && !s.isShutdown();
      // A shared store is read in the background (see checkHealth): a probe must answer while the database
      // does not. The in-memory store answers at once.
      Map<String, Optional<Instant>> next = setup.clustered() ? nextRuns : s == null ? Map.of() : nextRuns(s);
      for (Map.Entry<String, Optional<Instant>> e : next.entrySet()) {
        Run last = runs.get(e.getKey());
        jobs.add(new JobStatus(e.getKey(), last == null ? null : last.at(), last == null ? null : last.outcome(),
            e.getValue().orElse(null)));
      }
    } catch (SchedulerException e) {
      running = false;
    }
    jobs.sort(java.util.Comparator.comparing(JobStatus::name));
    List<AuditEntry> audit = List.of();
    if (cfg != null && !cfg.clustered()) {
      try {
        audit = kit.stores(cfg).audit().recent(RECENT_AUDIT);
      } catch (IOException | RuntimeException e) {
        log.debug("audit log not readable for the status page: {}", e.getMessage());
      }
    } else if (cfg != null) {
      audit = recentAudit; // the probes never wait on the database: read by checkHealth
    }
    Duration ready = cfg == null ? Duration.ofHours(2) : cfg.daemon().readyWithin();
    return new StatusSnapshot(kit.clock().instant(), running && !stopping.get(), degraded, cycleStarted, cycleFinished,
        cycleOk, ready, inventory, jobs, audit);
  }
}
