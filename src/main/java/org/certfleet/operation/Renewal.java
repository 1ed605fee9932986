package org.certfleet.operation;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.certfleet.config.AppConfig;
import org.certfleet.config.CertSpec;
import org.certfleet.deploy.Distributor;
import org.certfleet.renewal.Outcome;
import org.certfleet.renewal.RenewalService;
import org.certfleet.ssh.SshConnector;
import org.certfleet.config.NodeSpec;
import org.certfleet.state.StateStores;
import org.certfleet.store.CertificateLocks;
import org.certfleet.store.CertificateStore;
import org.certfleet.store.Lineage;
import org.certfleet.store.LineageMetadata;
import org.jspecify.annotations.Nullable;

/**
 * Renews what is due and distributes what was renewed, under one writer of the state (the state
 * directory's lock, or in a cluster a lock per certificate): a renewed certificate is worth nothing until
 * its nodes serve it. Renewal failures are alerted; so are distribution failures.
 */
public final class Renewal {
  private Renewal() {}

  /** @param deployed the rollout of the renewed certificates, or null when nothing was distributed */
  public record Result(List<Outcome> outcomes, Distributor.@Nullable Report deployed) {
    public Result {
      outcomes = List.copyOf(outcomes);
    }

    public long count(Outcome.Kind kind) {
      return outcomes.stream().filter(o -> o.kind() == kind).count();
    }
  }

  /**
   * Renews and distributes {@code certs}, each under its certificate lock ({@link StateStores#locks()});
   * a certificate another instance is working on is skipped.
   *
   * @param ssh started only when something renewed has nodes
   * @throws org.certfleet.store.StoreLockedException when another certfleet holds the state directory's lock
   */
  public static Result run(AppConfig config, Toolkit kit, Alerts alerts, List<CertSpec> certs, boolean force,
      boolean distribute, Supplier<SshConnector> ssh) throws IOException, InterruptedException {
    return run(config, kit, alerts, certs, force, distribute, false, kit.stores(config).locks(), ssh);
  }

  /**
   * As {@link #run(AppConfig, Toolkit, Alerts, List, boolean, boolean, Supplier)}; with {@code converge},
   * certificates that were not renewed are also distributed when the store does not record every one
   * of their nodes as holding the current version (a node that was down, a run killed between renewal
   * and distribution). The rollout itself skips nodes that turn out to be current.
   *
   * @param locks the certificate locks to take; {@link CertificateLocks#LOCAL} when the caller already
   *     holds them (a daemon job)
   */
  public static Result run(AppConfig config, Toolkit kit, Alerts alerts, List<CertSpec> certs, boolean force,
      boolean distribute, boolean converge, CertificateLocks locks, Supplier<SshConnector> ssh)
      throws IOException, InterruptedException {
    RenewalService service = new RenewalService(config, kit.dnsProviders(), kit.secrets(), kit.clock(), kit.sleeper());
    StateStores stores = kit.stores(config);
    List<CertificateLocks.Held> held = new ArrayList<>();
    try (StateStores.Writer writer = stores.writer()) {
      // In a cluster, each certificate is worked on by one instance at a time; the others leave it alone.
      List<CertSpec> mine = new ArrayList<>();
      List<Outcome> outcomes = new ArrayList<>();
      for (CertSpec c : certs) {
        Optional<CertificateLocks.Held> lock = locks.tryLock(c.name());
        if (lock.isPresent()) {
          held.add(lock.get());
          mine.add(c);
        } else {
          outcomes.add(new Outcome(c.name(), Outcome.Kind.SKIPPED, "another certfleet instance is working on it", 0, null,
              Duration.ZERO));
        }
      }
      CertificateStore store = writer.store();
      outcomes.addAll(service.renew(store, stores.accounts(), stores.orders(), mine, force));
      List<CertSpec> order = certs;
      outcomes.sort(java.util.Comparator.comparingInt(o -> indexOf(order, o)));
      alerts.send(Alerts.renewalFailures(outcomes));
      List<CertSpec> renewed = new ArrayList<>();
      for (CertSpec c : mine) {
        boolean isNew = outcomes.stream().anyMatch(o -> o.kind() == Outcome.Kind.RENEWED && o.name().equals(c.name()));
        if (isNew || (converge && !behind(config, store, c).isEmpty())) {
          renewed.add(c);
        }
      }
      Distributor.Report deployed = null;
      if (distribute && renewed.stream().anyMatch(c -> !config.nodesFor(c).isEmpty())) {
        deployed = Distribution.run(config, kit, alerts, store, renewed, List.of(), false, ssh.get());
      }
      return new Result(outcomes, deployed);
    } finally {
      held.forEach(CertificateLocks.Held::close);
    }
  }

  private static int indexOf(List<CertSpec> certs, Outcome o) {
    for (int i = 0; i < certs.size(); i++) {
      if (certs.get(i).name().equals(o.name())) {
        return i;
      }
    }
    return certs.size();
  }

  /** The nodes of {@code cert} the store does not record as holding its current version. */
  public static List<String> behind(AppConfig config, CertificateStore store, CertSpec cert) throws IOException {
    Optional<Lineage> current = store.find(cert.name());
    if (current.isEmpty()) {
      return List.of();
    }
    String sha = current.get().facts().sha256();
    LineageMetadata meta = store.metadata(cert.name());
    List<String> out = new ArrayList<>();
    for (NodeSpec n : config.nodesFor(cert)) {
      LineageMetadata.Deployed d = meta.deployed().get(n.name());
      if (d == null || !d.sha256().equals(sha)) {
        out.add(n.name());
      }
    }
    return out;
  }
}
