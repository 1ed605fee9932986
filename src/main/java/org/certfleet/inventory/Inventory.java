package org.certfleet.inventory;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.certfleet.cert.CertFacts;
import org.certfleet.cert.DnsName;
import org.certfleet.config.AppConfig;
import org.certfleet.config.CertSpec;
import org.certfleet.config.NodeSpec;
import org.certfleet.deploy.DeployedState;
import org.certfleet.deploy.NodeInspector;
import org.certfleet.inventory.InventoryReport.CertView;
import org.certfleet.inventory.InventoryReport.NodeView;
import org.certfleet.inventory.InventoryReport.ServedView;
import org.certfleet.probe.Endpoint;
import org.certfleet.probe.ProbeResult;
import org.certfleet.probe.TlsProber;
import org.certfleet.renewal.RenewalPolicy;
import org.certfleet.ssh.NodeAccessException;
import org.certfleet.ssh.NodeSession;
import org.certfleet.ssh.SshConnector;
import org.certfleet.store.CertificateStore;
import org.certfleet.store.Lineage;
import org.certfleet.store.LineageMetadata;
import org.jspecify.annotations.Nullable;

/**
 * Scans everything once: the store, every node's files (one SSH session per node, {@value
 * #NODE_CONCURRENCY} nodes at a time) and every (node, name) over TLS ({@value #PROBE_CONCURRENCY}
 * handshakes at a time, each bounded by {@link #PROBE_TIMEOUT}), then compares them. Read-only: it
 * changes nothing anywhere.
 */
public final class Inventory {
  static final int NODE_CONCURRENCY = 8;
  static final int PROBE_CONCURRENCY = 32;
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration SHORT_LIVED = Duration.ofDays(30);

  private final AppConfig config;
  private final CertificateStore store;
  private final SshConnector ssh;
  private final TlsProber prober;
  private final ChainCheck chains;
  private final RenewalPolicy policy;
  private final Clock clock;

  public Inventory(AppConfig config, CertificateStore store, SshConnector ssh, TlsProber prober,
      List<X509Certificate> extraRoots, RenewalPolicy policy, Clock clock) {
    this.config = config;
    this.store = store;
    this.ssh = ssh;
    this.prober = prober;
    this.chains = new ChainCheck(extraRoots);
    this.policy = policy;
    this.clock = clock;
  }

  public InventoryReport scan(List<CertSpec> certs) throws IOException, InterruptedException {
    Instant now = clock.instant();
    Map<String, Lineage> issued = new HashMap<>();
    store.list().forEach(l -> issued.put(l.name().value(), l));
    // Every version ever issued, to tell a managed certificate from a foreign one on the extra probe
    // names; loading all versions is only worth it when some certificate has such names.
    Set<String> known = new HashSet<>();
    if (certs.stream().anyMatch(c -> !c.probe().isEmpty())) {
      for (Lineage l : issued.values()) {
        for (int v : store.versions(l.name())) {
          known.add(store.load(l.name(), v).facts().sha256());
        }
      }
    }
    Map<String, NodeScan> nodes = scanNodes(certs);
    Map<String, ServedView> served = probeAll(certs);

    List<CertView> views = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    for (CertSpec spec : certs) {
      String cert = spec.name().value();
      Lineage lineage = issued.get(cert);
      CertFacts current = lineage == null ? null : lineage.facts();
      if (current != null) {
        expiry(findings, cert, null, null, current, now);
      }
      LineageMetadata meta = store.metadata(spec.name());
      renewal(findings, spec, Optional.ofNullable(lineage), meta, now);
      List<NodeView> nodeViews = new ArrayList<>();
      for (NodeSpec node : config.nodesFor(spec)) {
        NodeScan ns = nodes.get(node.name());
        DeployedState deployed = ns == null ? null : ns.states.get(cert);
        String unreachable = ns == null ? "not scanned" : ns.problem;
        if (unreachable != null) {
          findings.add(Finding.of(FindingType.UNREACHABLE, cert, node.name(), null, unreachable, null));
        } else if (deployed != null) {
          deployedFindings(findings, cert, node.name(), deployed, current);
        }
        List<ServedView> servedViews = new ArrayList<>();
        for (DnsName name : spec.names()) {
          ServedView sv = served.get(key(node, sni(name)));
          servedViews.add(sv);
          servedFindings(findings, cert, node.name(), sv, current, now, false, known);
        }
        for (DnsName extra : spec.probe()) {
          ServedView sv = served.get(key(node, extra.value()));
          servedViews.add(sv);
          servedFindings(findings, cert, node.name(), sv, current, now, true, known);
        }
        nodeViews.add(new NodeView(node.name(), deployed, unreachable, servedViews));
      }
      RenewalPolicy.Decision plan = policy.decide(spec, Optional.ofNullable(lineage), meta, now, false);
      views.add(new CertView(cert, current, lineage == null ? 0 : lineage.version(), meta.lastFailure(),
          meta.attempts().size() - 1 - lastSuccessIndex(meta.attempts()), nodeViews,
          spec.names().stream().map(DnsName::value).toList(), spec.profile(),
          plan.due() ? null : plan.nextCheck().orElse(null), plan.reason()));
    }
    return new InventoryReport(now, views, findings);
  }

  private void deployedFindings(List<Finding> out, String cert, String node, DeployedState d, @Nullable CertFacts current) {
    if (d.cert() == null) {
      out.add(Finding.of(FindingType.DRIFT, cert, node, null, node + ": " + d.problem(), null));
      return;
    }
    if (current != null && !d.cert().sha256().equals(current.sha256())) {
      out.add(Finding.of(FindingType.DRIFT, cert, node, null, node + " holds serial " + d.cert().serial()
          + ", the current version is serial " + current.serial(), d.cert().sha256()));
    }
    if (Boolean.FALSE.equals(d.keyMatches())) {
      out.add(Finding.of(FindingType.KEY_MISMATCH, cert, node, null, node + ": the private key at " + d.location()
          + " does not belong to the certificate there", d.cert().sha256()));
    }
  }

  private void servedFindings(List<Finding> out, String cert, String node, ServedView sv, @Nullable CertFacts current,
      Instant now, boolean extraName, Set<String> known) {
    if (sv.leaf() == null) {
      out.add(Finding.of(FindingType.UNREACHABLE, cert, node, sv.name(), node + " " + sv.endpoint() + ": " + sv.error(), null));
      return;
    }
    CertFacts leaf = sv.leaf();
    boolean covered = leaf.sans().stream().anyMatch(san -> DnsName.parse(san).covers(sv.name()));
    if (!covered) {
      out.add(Finding.of(FindingType.NAME_MISMATCH, cert, node, sv.name(), sv.endpoint() + " serves a certificate for "
          + String.join(", ", leaf.sans()) + ", not " + sv.name(), leaf.sha256()));
    }
    if (sv.chainProblem() != null) {
      out.add(Finding.of(FindingType.CHAIN_INVALID, cert, node, sv.name(), node + " " + sv.endpoint() + ": the served chain does not"
          + " validate: " + sv.chainProblem(), leaf.sha256()));
    }
    boolean isCurrent = current != null && leaf.sha256().equals(current.sha256());
    if (extraName) {
      if (!known.contains(leaf.sha256())) {
        out.add(Finding.of(FindingType.UNKNOWN_CERT, cert, node, sv.name(), sv.endpoint() + " serves serial "
            + leaf.serial() + " (issuer " + leaf.issuer() + "), which certfleet does not manage", leaf.sha256()));
      }
    } else if (current != null && !isCurrent) {
      out.add(Finding.of(FindingType.DRIFT, cert, node, sv.name(), sv.endpoint() + " serves serial " + leaf.serial()
          + ", the current version is serial " + current.serial(), leaf.sha256()));
    }
    if (!isCurrent) {
      // The current version's expiry is reported once, for the certificate; an old one still served is per node.
      expiry(out, cert, node, sv.name(), leaf, now);
    }
  }

  private void expiry(List<Finding> out, String cert, @Nullable String node, @Nullable String name, CertFacts f,
      Instant now) {
    Duration left = Duration.between(now, f.notAfter());
    String where = node == null ? cert : node + " (" + name + ")";
    if (left.isNegative() || left.isZero()) {
      out.add(Finding.of(FindingType.EXPIRED, cert, node, name, where + ": serial " + f.serial() + " expired at "
          + f.notAfter(), f.sha256()));
      return;
    }
    Duration lifetime = f.lifetime();
    Duration threshold = lifetime.compareTo(SHORT_LIVED) < 0 ? lifetime.dividedBy(4) : config.alerts().warnBefore();
    if (left.compareTo(threshold) <= 0) {
      out.add(Finding.of(FindingType.EXPIRING, cert, node, name, where + ": serial " + f.serial() + " expires in "
          + days(left) + " (at " + f.notAfter() + ")", f.sha256()));
    }
  }

  private void renewal(List<Finding> out, CertSpec spec, Optional<Lineage> lineage, LineageMetadata meta, Instant now) {
    List<LineageMetadata.RenewalAttempt> attempts = meta.attempts();
    boolean lastFailed = !attempts.isEmpty() && !attempts.get(attempts.size() - 1).success();
    if (!lastFailed) {
      return;
    }
    // Due by its own schedule, whatever the back-off says: that is what makes a failure overdue.
    if (!policy.decide(spec, lineage, meta.withNextAttemptNotBefore(null), now, false).due()) {
      return;
    }
    LineageMetadata.RenewalAttempt last = attempts.get(attempts.size() - 1);
    int failures = attempts.size() - 1 - lastSuccessIndex(attempts);
    out.add(Finding.of(FindingType.RENEWAL_FAILING, spec.name().value(), null, null, spec.name() + ": renewal is due and "
        + failures + " attempt(s) failed, the last at " + last.at() + (last.step() == null ? "" : " (" + last.step() + ")")
        + (last.error() == null ? "" : ": " + last.error()), lineage.map(l -> l.facts().sha256()).orElse(null)));
  }

  private static int lastSuccessIndex(List<LineageMetadata.RenewalAttempt> attempts) {
    for (int i = attempts.size() - 1; i >= 0; i--) {
      if (attempts.get(i).success()) {
        return i;
      }
    }
    return -1;
  }

  /** What one node's files hold, for every certificate deployed to it. */
  private record NodeScan(Map<String, DeployedState> states, @Nullable String problem) {}

  private Map<String, NodeScan> scanNodes(List<CertSpec> certs) throws InterruptedException {
    Map<String, NodeSpec> nodes = new LinkedHashMap<>();
    Map<String, List<CertSpec>> certsByNode = new HashMap<>();
    for (CertSpec c : certs) {
      for (NodeSpec n : config.nodesFor(c)) {
        nodes.putIfAbsent(n.name(), n);
        certsByNode.computeIfAbsent(n.name(), k -> new ArrayList<>()).add(c);
      }
    }
    Map<String, Callable<NodeScan>> tasks = new LinkedHashMap<>();
    for (NodeSpec n : nodes.values()) {
      tasks.put(n.name(), () -> {
        Map<String, DeployedState> states = new LinkedHashMap<>();
        try (NodeSession s = ssh.open(n)) {
          for (CertSpec c : certsByNode.get(n.name())) {
            states.put(c.name().value(), NodeInspector.inspect(s, c.name()));
          }
          return new NodeScan(states, null);
        } catch (NodeAccessException e) {
          return new NodeScan(states, e.getMessage());
        }
      });
    }
    return runAll(tasks, NODE_CONCURRENCY, "inventory-ssh");
  }

  private Map<String, ServedView> probeAll(List<CertSpec> certs) throws InterruptedException {
    Map<String, Callable<ServedView>> tasks = new LinkedHashMap<>();
    for (CertSpec c : certs) {
      Set<String> names = new LinkedHashSet<>();
      c.names().forEach(n -> names.add(sni(n)));
      c.probe().forEach(n -> names.add(n.value()));
      for (NodeSpec node : config.nodesFor(c)) {
        for (String name : names) {
          tasks.putIfAbsent(key(node, name), () -> probe(node, name));
        }
      }
    }
    return runAll(tasks, PROBE_CONCURRENCY, "inventory-tls");
  }

  private ServedView probe(NodeSpec node, String name) {
    ProbeResult r = prober.probe(new Endpoint(node.address(), node.probePort(), name), PROBE_TIMEOUT);
    if (!r.ok()) {
      return new ServedView(name, r.endpoint().toString(), null, null, r.error());
    }
    return new ServedView(name, r.endpoint().toString(), r.leaf().orElse(null), chains.problem(r.chain(), clock.instant()),
        null);
  }

  private static <T> Map<String, T> runAll(Map<String, Callable<T>> tasks, int threads, String name)
      throws InterruptedException {
    Map<String, T> out = new LinkedHashMap<>();
    if (tasks.isEmpty()) {
      return out;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, tasks.size()), r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    try {
      Map<String, Future<T>> futures = new LinkedHashMap<>();
      tasks.forEach((k, task) -> futures.put(k, pool.submit(task)));
      for (Map.Entry<String, Future<T>> f : futures.entrySet()) {
        try {
          out.put(f.getKey(), f.getValue().get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("an inventory task failed unexpectedly", e.getCause());
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The name sent as SNI for a SAN: a wildcard is asked for with a concrete label. */
  static String sni(DnsName name) {
    return name.isWildcard() ? "certfleet-probe." + name.base().value() : name.value();
  }

  private static String key(NodeSpec node, String name) {
    return node.name() + "|" + name;
  }

  static String days(Duration d) {
    long hours = d.toHours();
    return hours >= 48 ? hours / 24 + " days" : hours + " hours";
  }
}
