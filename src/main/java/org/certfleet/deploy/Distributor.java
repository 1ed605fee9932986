package org.certfleet.deploy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.certfleet.audit.AuditLog;
import org.certfleet.cert.CertFacts;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.config.AppConfig;
import org.certfleet.config.CertSpec;
import org.certfleet.config.DeployConfig;
import org.certfleet.config.NodeSpec;
import org.certfleet.probe.TlsProber;
import org.certfleet.ssh.NodeAccessException;
import org.certfleet.ssh.NodeSession;
import org.certfleet.ssh.SshConnector;
import org.certfleet.store.CertificateStore;
import org.certfleet.store.Lineage;
import org.certfleet.store.LineageMetadata;
import org.certfleet.time.Sleeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls the current version of certificates out to their nodes: the canary alone first (when it
 * fails, no other node is touched), then the rest through a pool of {@code deploy.parallelism}
 * threads; once more than {@code deploy.max-failed-nodes} nodes have failed, nodes not yet started
 * are left untouched. One SSH session per node serves every certificate of the run. After each
 * certificate, the configured hooks run, and the store's metadata records which node holds what.
 */
public final class Distributor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Distributor.class);

  private final AppConfig config;
  private final CertificateStore store;
  private final SshConnector ssh;
  private final NodeDeployer deployer;
  private final HookRunner hooks;
  private final Clock clock;
  /**
   * One connection per node for the whole run. A failed one stays failed: later certificates fail at
   * once for that node instead of waiting for the same timeout again.
   */
  private final Map<String, CompletableFuture<NodeSession>> sessions = new ConcurrentHashMap<>();
  private final ExecutorService connectPool;

  public Distributor(AppConfig config, CertificateStore store, SshConnector ssh, TlsProber prober, AuditLog audit,
      HookRunner hooks, Clock clock, Sleeper sleeper) {
    this.config = config;
    this.store = store;
    this.ssh = ssh;
    this.hooks = hooks;
    this.clock = clock;
    this.deployer = new NodeDeployer(prober, audit, clock, sleeper, config.deploy().verifyTimeout());
    this.connectPool = Executors.newFixedThreadPool(config.deploy().parallelism(), r -> {
      Thread t = new Thread(r, "deploy-connect");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Distributes each certificate's current version to its nodes (all of them, or only those named in
   * {@code onlyNodes} when it is not empty).
   *
   * @param dryRun connect and inspect only: report what would change, change nothing
   */
  public Report distribute(List<CertSpec> certs, List<String> onlyNodes, boolean dryRun)
      throws IOException, InterruptedException {
    List<NodeResult> results = new ArrayList<>();
    List<HookRunner.HookResult> hookResults = new ArrayList<>();
    for (CertSpec spec : certs) {
      List<NodeSpec> nodes = config.nodesFor(spec).stream()
          .filter(n -> onlyNodes.isEmpty() || onlyNodes.contains(n.name())).toList();
      if (nodes.isEmpty()) {
        continue;
      }
      Lineage lineage = store.find(spec.name()).orElse(null);
      if (lineage == null) {
        for (NodeSpec n : nodes) {
          results.add(new NodeResult(spec.name().value(), n.name(), NodeStatus.NOT_TOUCHED, DeployStep.CONNECT, null,
              "-", 0, Duration.ZERO, "never issued: run certfleet renew " + spec.name().value() + " first"));
        }
        continue;
      }
      CertificateBundle bundle = store.load(lineage);
      List<NodeResult> certResults = dryRun ? plan(spec, bundle, lineage.version(), nodes)
          : rollOut(spec, bundle, lineage.version(), nodes);
      results.addAll(certResults);
      if (!dryRun) {
        record(spec, lineage, certResults);
        if (certResults.stream().anyMatch(r -> r.status() == NodeStatus.DEPLOYED)) {
          hookResults.addAll(hooks.run(config.deploy().hooks(), spec, lineage, certResults));
        }
      }
    }
    return new Report(results, hookResults);
  }

  private List<NodeResult> rollOut(CertSpec spec, CertificateBundle bundle, int version, List<NodeSpec> nodes)
      throws InterruptedException {
    DeployConfig dc = config.deploy();
    NodeSpec canary = nodes.stream().filter(n -> n.name().equals(dc.canary())).findFirst().orElse(nodes.get(0));
    List<NodeSpec> rest = nodes.stream().filter(n -> n != canary).toList();
    List<NodeResult> out = new ArrayList<>();
    log.info("{}: rolling out version {} (serial {}) to {} node(s), canary {}", spec.name(), version,
        bundle.facts().serial(), nodes.size(), canary.name());
    // The canary's handshake is on the critical path: it goes first, alone. The other nodes' handshakes
    // (CPU-heavy) then run while the canary works on its node; they only connect and start SFTP: nothing
    // is read from or written to a node before the canary succeeded, and an unreachable canary means no
    // other node is contacted.
    connect(canary).thenRun(() -> rest.forEach(this::connect));
    NodeResult first = deployOne(canary, spec, bundle, version);
    out.add(first);
    if (first.status() == NodeStatus.FAILED) {
      for (NodeSpec n : rest) {
        out.add(untouched(spec, bundle, version, n, "canary " + canary.name() + " failed"));
      }
      return out;
    }
    if (rest.isEmpty()) {
      return out;
    }
    AtomicInteger failures = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(dc.parallelism(), rest.size()), r -> {
      Thread t = new Thread(r, "deploy-" + spec.name().value());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<NodeResult>> futures = new ArrayList<>();
      for (NodeSpec n : rest) {
        futures.add(pool.submit(() -> {
          if (failures.get() > dc.maxFailedNodes()) {
            return untouched(spec, bundle, version, n, "failure budget exceeded (" + failures.get() + " failed, "
                + dc.maxFailedNodes() + " allowed)");
          }
          NodeResult r = deployOne(n, spec, bundle, version);
          if (r.status() == NodeStatus.FAILED) {
            failures.incrementAndGet();
          }
          return r;
        }));
      }
      for (Future<NodeResult> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("a deployment task failed unexpectedly", e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return out;
  }

  private NodeResult deployOne(NodeSpec node, CertSpec spec, CertificateBundle bundle, int version)
      throws InterruptedException {
    Instant started = clock.instant();
    NodeSession s;
    try {
      s = session(node);
    } catch (NodeAccessException e) {
      log.warn("{} on {}: {}", spec.name(), node.name(), e.getMessage());
      return new NodeResult(spec.name().value(), node.name(), NodeStatus.FAILED, DeployStep.CONNECT, null,
          bundle.facts().serial(), version, Duration.between(started, clock.instant()), e.getMessage());
    }
    return deployer.deploy(s, spec, bundle, version, started);
  }

  private List<NodeResult> plan(CertSpec spec, CertificateBundle bundle, int version, List<NodeSpec> nodes)
      throws InterruptedException {
    List<NodeResult> out = new ArrayList<>();
    CertFacts next = bundle.facts();
    for (NodeSpec node : nodes) {
      Instant started = clock.instant();
      RemoteLayout layout = RemoteLayout.of(node, spec.name());
      try {
        NodeSession s = session(node);
        CertFacts current = layout.current(s).orElse(null);
        String from = current == null ? null : current.serial();
        if (current != null && current.sha256().equals(next.sha256())) {
          out.add(new NodeResult(spec.name().value(), node.name(), NodeStatus.PLANNED, DeployStep.INSPECT, from,
              next.serial(), version, Duration.between(started, clock.instant()),
              "holds the current version: verify it is served, redeploy only if not"));
          continue;
        }
        List<String> steps = new ArrayList<>(layout.plan(s));
        steps.add("run `" + NodeDeployer.command(node, node.testCommand()) + "`");
        steps.add("run `" + NodeDeployer.command(node, node.reloadCommand()) + "`");
        steps.add("verify " + String.join(", ", spec.names().stream().map(Object::toString).toList()) + " at "
            + node.address() + ":" + node.probePort() + " serve serial " + next.serial());
        out.add(new NodeResult(spec.name().value(), node.name(), NodeStatus.PLANNED, DeployStep.INSPECT, from,
            next.serial(), version, Duration.between(started, clock.instant()), String.join("; ", steps)));
      } catch (NodeAccessException e) {
        out.add(new NodeResult(spec.name().value(), node.name(), NodeStatus.FAILED, DeployStep.CONNECT, null,
            next.serial(), version, Duration.between(started, clock.instant()), e.getMessage()));
      }
    }
    return out;
  }

  private NodeResult untouched(CertSpec spec, CertificateBundle bundle, int version, NodeSpec n, String why) {
    log.warn("{} on {}: not touched: {}", spec.name(), n.name(), why);
    return new NodeResult(spec.name().value(), n.name(), NodeStatus.NOT_TOUCHED, DeployStep.CONNECT, null,
        bundle.facts().serial(), version, Duration.ZERO, why);
  }

  private CompletableFuture<NodeSession> connect(NodeSpec node) {
    return sessions.computeIfAbsent(node.name(), k -> CompletableFuture.supplyAsync(() -> {
      try {
        NodeSession s = ssh.open(node);
        try {
          s.startSftp();
        } catch (NodeAccessException e) {
          s.close();
          throw e;
        }
        return s;
      } catch (NodeAccessException e) {
        throw new CompletionException(e);
      }
    }, connectPool));
  }

  private NodeSession session(NodeSpec node) throws NodeAccessException, InterruptedException {
    for (int attempt = 0; attempt < 2; attempt++) {
      CompletableFuture<NodeSession> f = connect(node);
      try {
        NodeSession s = f.get();
        if (s.isOpen()) {
          return s;
        }
        // Closed since (idle timeout between certificates): connect again, once.
        sessions.remove(node.name(), f);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof NodeAccessException n) {
          throw n;
        }
        throw new IllegalStateException("connecting to " + node.name() + " failed unexpectedly", e.getCause());
      }
    }
    throw new NodeAccessException("node " + node.name() + ": the SSH session closed again right after connecting");
  }

  /** Records in the lineage's metadata which nodes hold the version now. */
  private void record(CertSpec spec, Lineage lineage, List<NodeResult> results) throws IOException {
    LineageMetadata meta = store.metadata(spec.name());
    CertFacts facts = lineage.facts();
    boolean changed = false;
    for (NodeResult r : results) {
      if (r.status().good()) {
        meta = meta.withDeployed(r.node(), new LineageMetadata.Deployed(lineage.version(), facts.serial(),
            facts.sha256(), clock.instant()));
        changed = true;
      }
    }
    if (changed) {
      store.writeMetadata(meta);
    }
  }

  @Override
  public void close() {
    connectPool.shutdownNow();
    for (CompletableFuture<NodeSession> f : sessions.values()) {
      f.thenAccept(NodeSession::close);
    }
    sessions.clear();
  }

  /** Everything a run did: per node and certificate, and per hook. */
  public record Report(List<NodeResult> nodes, List<HookRunner.HookResult> hooks) {
    public Report {
      nodes = List.copyOf(nodes);
      hooks = List.copyOf(hooks);
    }

    /** Whether every node serves its certificate's current version and every hook succeeded. */
    public boolean allGood() {
      return nodes.stream().allMatch(r -> r.status().good() || r.status() == NodeStatus.PLANNED)
          && hooks.stream().allMatch(HookRunner.HookResult::ok);
    }

    /** Whether at least one node serves the current version (deployed now or before). */
    public boolean anyGood() {
      return nodes.stream().anyMatch(r -> r.status().good() || r.status() == NodeStatus.PLANNED);
    }
  }
}
