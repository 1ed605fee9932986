package org.certfleet.operation;

import java.io.IOException;
import java.util.List;
import org.certfleet.audit.AuditLog;
import org.certfleet.config.AppConfig;
import org.certfleet.config.CertSpec;
import org.certfleet.deploy.Distributor;
import org.certfleet.deploy.HookRunner;
import org.certfleet.probe.JdkTlsProber;
import org.certfleet.ssh.SshConnector;
import org.certfleet.store.CertificateStore;

/** One rollout: wires a {@link Distributor} with the audit log and hooks, and alerts what failed. */
public final class Distribution {
  private Distribution() {}

  public static Distributor.Report run(AppConfig config, Toolkit kit, Alerts alerts, CertificateStore store,
      List<CertSpec> certs, List<String> nodes, boolean dryRun, SshConnector ssh) throws IOException, InterruptedException {
    AuditLog audit = kit.stores(config).audit();
    HookRunner hooks = new HookRunner(config.deploy().hookTimeout(), config.source().toAbsolutePath().getParent(), audit,
        kit.clock());
    try (Distributor d = new Distributor(config, store, ssh, new JdkTlsProber(kit.clock()), audit, hooks,
        kit.clock(), kit.sleeper())) {
      Distributor.Report report = d.distribute(certs, nodes, dryRun);
      if (!dryRun) {
        alerts.send(Alerts.deploymentFailures(report));
      }
      return report;
    }
  }
}
