package org.certfleet.config;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A validated certs.yaml. Every cross reference (providers, groups, nodes) has been checked, so the
 * lookups here only fail on names that were never in the file.
 *
 * @param source the file it was read from
 * @param stateDir the local state directory (absolute)
 * @param secretUses every secret reference with its position, for {@code check --resolve-secrets}
 * @param cluster the {@code cluster:} section, or null for a single instance on the local state directory
 */
public record AppConfig(
    Path source,
    AcmeConfig acme,
    DnsConfig dns,
    List<CertSpec> certificates,
    List<NodeSpec> nodes,
    List<GroupSpec> groups,
    AlertConfig alerts,
    ScheduleConfig schedule,
    DeployConfig deploy,
    InventoryConfig inventory,
    DaemonConfig daemon,
    Path stateDir,
    List<SecretUse> secretUses,
    @Nullable ClusterConfig cluster) {

  public AppConfig {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(acme, "acme");
    Objects.requireNonNull(dns, "dns");
    Objects.requireNonNull(alerts, "alerts");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(deploy, "deploy");
    Objects.requireNonNull(inventory, "inventory");
    Objects.requireNonNull(daemon, "daemon");
    Objects.requireNonNull(stateDir, "stateDir");
    certificates = List.copyOf(certificates);
    nodes = List.copyOf(nodes);
    groups = List.copyOf(groups);
    secretUses = List.copyOf(secretUses);
  }

  /** Without a {@code cluster:} section. */
  public AppConfig(Path source, AcmeConfig acme, DnsConfig dns, List<CertSpec> certificates, List<NodeSpec> nodes,
      List<GroupSpec> groups, AlertConfig alerts, ScheduleConfig schedule, DeployConfig deploy, InventoryConfig inventory,
      DaemonConfig daemon, Path stateDir, List<SecretUse> secretUses) {
    this(source, acme, dns, certificates, nodes, groups, alerts, schedule, deploy, inventory, daemon, stateDir, secretUses, null);
  }

  /** Whether a {@code cluster:} section puts the schedule and the shared state in PostgreSQL. */
  public boolean clustered() {
    return cluster != null;
  }

  /** The same config with another state directory ({@code --state}). */
  public AppConfig withStateDir(Path dir) {
    return new AppConfig(source, acme, dns, certificates, nodes, groups, alerts, schedule, deploy, inventory, daemon, dir,
        secretUses, cluster);
  }

  public Optional<CertSpec> certificate(String name) {
    return certificates.stream().filter(c -> c.name().value().equals(name)).findFirst();
  }

  public Optional<NodeSpec> node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  /** The nodes a certificate is deployed to, in config order, each once. */
  public List<NodeSpec> nodesFor(CertSpec cert) {
    Set<String> names = new LinkedHashSet<>();
    for (String target : cert.deployTo()) {
      groups.stream()
          .filter(g -> g.name().equals(target))
          .findFirst()
          .ifPresentOrElse(g -> names.addAll(g.nodes()), () -> names.add(target));
    }
    return nodes.stream().filter(n -> names.contains(n.name())).toList();
  }

  /** Total SANs over all certificates. */
  public int domainCount() {
    return certificates.stream().mapToInt(c -> c.domains().size()).sum();
  }
}
