package org.certfleet.operation;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import org.certfleet.config.AppConfig;
import org.certfleet.config.CertSpec;
import org.certfleet.deploy.Distributor;
import org.certfleet.renewal.Outcome;
import org.certfleet.renewal.RenewalService;
import org.certfleet.ssh.SshConnector;
import org.certfleet.store.FileCertificateStore;
import org.certfleet.store.StoreLock;
import org.jspecify.annotations.Nullable;

/**
 * Renews what is due and distributes what was renewed, under one state lock: a renewed certificate is
 * worth nothing until its nodes serve it. Renewal failures are alerted; so are distribution failures.
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
   * @param ssh started only when something renewed has nodes
   * @throws org.certfleet.store.StoreLockedException when another certfleet holds the state lock
   */
  public static Result run(AppConfig config, Toolkit kit, Alerts alerts, List<CertSpec> certs, boolean force,
      boolean distribute, Supplier<SshConnector> ssh) throws IOException, InterruptedException {
    RenewalService service = new RenewalService(config, kit.dnsProviders(), kit.secrets(), kit.clock(), kit.sleeper());
    try (StoreLock lock = StoreLock.acquire(config.stateDir(), kit.clock())) {
      List<Outcome> outcomes = service.renew(lock, certs, force);
      alerts.send(Alerts.renewalFailures(outcomes));
      List<CertSpec> renewed = certs.stream().filter(c -> outcomes.stream()
          .anyMatch(o -> o.kind() == Outcome.Kind.RENEWED && o.name().equals(c.name()))).toList();
      Distributor.Report deployed = null;
      if (distribute && renewed.stream().anyMatch(c -> !config.nodesFor(c).isEmpty())) {
        deployed = Distribution.run(config, kit, alerts, FileCertificateStore.writable(lock), renewed, List.of(), false,
            ssh.get());
      }
      return new Result(outcomes, deployed);
    }
  }
}
