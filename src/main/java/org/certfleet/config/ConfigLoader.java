package org.certfleet.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.certfleet.cert.CertName;
import org.certfleet.cert.DnsName;
import org.certfleet.cert.KeyType;
import org.jspecify.annotations.Nullable;
import org.quartz.CronExpression;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads and validates certs.yaml into an {@link AppConfig}.
 *
 * <p>Validation is complete: every problem in the file is reported at once, each with its line,
 * column and field path, in a {@link ConfigException}. Nothing else happens on failure. Secrets are
 * checked only for form here (a reference, never a literal); {@code check --resolve-secrets}
 * resolves them.
 */
public final class ConfigLoader {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final Pattern PROFILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern MODE = Pattern.compile("0?[0-7]{3}");
  private static final Pattern JDBC_URL = Pattern.compile(
      "jdbc:postgresql://((?:\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(?::\\d{1,5})?(?:,(?:\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(?::\\d{1,5})?)*)"
          + "/([A-Za-z0-9_.$-]+)(?:\\?([^\\s#]*))?");
  private static final Map<String, String> DIRECTORY_SHORTCUTS =
      Map.of(
          "letsencrypt", "https://acme-v02.api.letsencrypt.org/directory",
          "letsencrypt-staging", "https://acme-staging-v02.api.letsencrypt.org/directory",
          "pebble", "acme://pebble");
  private static final List<String> TOP_LEVEL =
      List.of("version", "acme", "dns", "certificates", "node-defaults", "nodes", "groups", "alerts", "schedule", "deploy", "inventory", "daemon", "cluster", "state");

  private final PluginCatalog dnsProviders;
  private final PluginCatalog alertChannels;

  public ConfigLoader(PluginCatalog dnsProviders, PluginCatalog alertChannels) {
    this.dnsProviders = Objects.requireNonNull(dnsProviders, "dnsProviders");
    this.alertChannels = Objects.requireNonNull(alertChannels, "alertChannels");
  }

  /**
   * Loads {@code file}.
   *
   * @throws ConfigException listing every problem, when the file is missing, unreadable or invalid
   */
  public AppConfig load(Path file) {
    String label = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(List.of(new ConfigError(label, 0, 0, "", "file not found")));
    } catch (IOException e) {
      throw new ConfigException(
          List.of(new ConfigError(label, 0, 0, "", "cannot read: " + e.getClass().getSimpleName() + " " + e.getMessage())));
    }
    return parse(label, file.toAbsolutePath().normalize(), new java.io.StringReader(text));
  }

  /** Parses config text; {@code source} is the file it claims to come from (relative paths resolve against its folder). */
  AppConfig parse(String label, Path source, Reader text) {
    YamlReader r = new YamlReader(label);
    Node root;
    try {
      LoadSettings settings =
          LoadSettings.builder().setLabel(label).setSchema(new CoreSchema()).setAllowRecursiveKeys(false).build();
      root = new Compose(settings).composeReader(text).orElse(null);
    } catch (MarkedYamlEngineException e) {
      int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
      int col = e.getProblemMark().map(m -> m.getColumn() + 1).orElse(0);
      throw new ConfigException(List.of(new ConfigError(label, line, col, "", "not valid YAML: " + e.getProblem())));
    } catch (YamlEngineException e) {
      throw new ConfigException(List.of(new ConfigError(label, 0, 0, "", "not valid YAML: " + e.getMessage())));
    }
    if (root == null) {
      throw new ConfigException(List.of(new ConfigError(label, 0, 0, "", "file is empty (expected the sections acme, dns, certificates, nodes …)")));
    }
    AppConfig config = new Walk(r, label, source).run(root);
    if (!r.errors().isEmpty() || config == null) {
      throw new ConfigException(r.errors().isEmpty()
          ? List.of(new ConfigError(label, 0, 0, "", "invalid configuration"))
          : r.errors());
    }
    return config;
  }

  /** One pass over one file; holds the reader and the facts needed for cross-references. */
  private final class Walk {
    private final YamlReader r;
    private final String label;
    private final Path source;
    private final Path baseDir;
    private final List<SecretUse> secretUses = new ArrayList<>();
    /** Plugin names as declared, valid or not, so a bad type is not also reported at every reference. */
    private final Set<String> declaredPlugins = new HashSet<>();

    Walk(YamlReader r, String label, Path source) {
      this.r = r;
      this.label = label;
      this.source = source;
      this.baseDir = source.getParent() == null ? Path.of("").toAbsolutePath() : source.getParent();
    }

    @Nullable AppConfig run(Node rootNode) {
      YamlReader.Mapping root = r.mapping(rootNode, "");
      if (root == null) {
        r.error(rootNode, "", "expected a mapping with the sections " + String.join(", ", TOP_LEVEL));
        return null;
      }
      Node version = root.get("version");
      Integer v = r.integer(version, "version", 1, 1);
      if (version != null && v == null) {
        return null;
      }
      AcmeConfig acme = acme(root);
      DnsConfig dns = dns(root);
      NodeDefaults defaults = nodeDefaults(root);
      Map<String, Node> nodeNodes = new LinkedHashMap<>();
      List<NodeSpec> nodes = nodes(root, defaults, nodeNodes);
      List<GroupSpec> groups = groups(root, nodeNodes.keySet());
      KeyType defaultKeyType = acme == null ? KeyType.EC_P256 : acme.keyType();
      List<CertSpec> certs = certificates(root, dns, defaultKeyType, nodeNodes.keySet(), groups);
      AlertConfig alerts = alerts(root);
      ScheduleConfig schedule = schedule(root);
      DeployConfig deploy = deploy(root, nodeNodes.keySet());
      InventoryConfig inventory = inventory(root);
      DaemonConfig daemon = daemon(root);
      ClusterConfig cluster = cluster(root);
      Path stateDir = state(root);
      root.finish();
      if (acme == null || dns == null || alerts == null || schedule == null || deploy == null || stateDir == null) {
        return null;
      }
      return new AppConfig(source, acme, dns, certs, nodes, groups, alerts, schedule, deploy, inventory, daemon, stateDir, secretUses, cluster);
    }

    // ---- acme ------------------------------------------------------------------------------

    @Nullable AcmeConfig acme(YamlReader.Mapping root) {
      YamlReader.Mapping m = r.mapping(root.require("acme", "a mapping with directory, email, agree-to-terms"), "acme");
      if (m == null) {
        return null;
      }
      URI directory = r.parsed(m.require("directory", "letsencrypt, letsencrypt-staging, pebble or an https:// URL"),
          "acme.directory", ConfigLoader::directory);
      String email = r.parsed(m.require("email", "the contact e-mail for the ACME account"), "acme.email", t -> {
        if (!EMAIL.matcher(t).matches()) {
          throw new IllegalArgumentException("\"" + t + "\" is not an e-mail address (expected e.g. ops@example.org)");
        }
        return t;
      });
      Node agreeNode = m.require("agree-to-terms", "true, to agree to the CA's terms of service");
      Boolean agree = r.bool(agreeNode, "acme.agree-to-terms");
      if (Boolean.FALSE.equals(agree)) {
        r.error(agreeNode, "acme.agree-to-terms",
            "must be true: the CA issues no certificate without agreement to its terms of service (expected true)");
      }
      KeyType keyType = keyType(m.get("key-type"), "acme.key-type", KeyType.EC_P256);
      String profile = r.parsed(m.get("profile"), "acme.profile", ConfigLoader::profile);
      AcmeConfig.Eab eab = null;
      YamlReader.Mapping e = r.mapping(m.get("eab"), "acme.eab");
      if (e != null) {
        String kid = r.string(e.require("key-id", "the key id the CA gave you"), "acme.eab.key-id");
        SecretRef hmac = secret(e.require("hmac-key", "a secret reference to the base64url HMAC key"), "acme.eab.hmac-key");
        e.finish();
        eab = kid != null && hmac != null ? new AcmeConfig.Eab(kid, hmac) : null;
      }
      Path ca = localPath(m.get("ca-certificates"), "acme.ca-certificates");
      m.finish();
      if (directory == null || email == null || agree == null || !agree) {
        return null;
      }
      return new AcmeConfig(directory, email, true, keyType, profile, eab, ca);
    }

    // ---- dns -------------------------------------------------------------------------------

    @Nullable DnsConfig dns(YamlReader.Mapping root) {
      YamlReader.Mapping m = r.mapping(root.require("dns", "a mapping with providers"), "dns");
      if (m == null) {
        return null;
      }
      DnsConfig.Propagation propagation = DnsConfig.Propagation.DEFAULT;
      YamlReader.Mapping p = r.mapping(m.get("propagation"), "dns.propagation");
      if (p != null) {
        Duration timeout = positiveDuration(p.get("timeout"), "dns.propagation.timeout", propagation.timeout());
        Duration interval = positiveDuration(p.get("interval"), "dns.propagation.interval", propagation.interval());
        Duration extra = duration(p.get("extra-wait"), "dns.propagation.extra-wait", Duration.ZERO);
        List<String> resolvers = new ArrayList<>();
        List<Node> items = r.sequence(p.get("resolvers"), "dns.propagation.resolvers");
        for (int i = 0; i < items.size(); i++) {
          String res = r.parsed(items.get(i), "dns.propagation.resolvers[" + i + "]", ConfigLoader::resolver);
          if (res != null) {
            resolvers.add(res);
          }
        }
        if (interval.compareTo(timeout) > 0) {
          r.error(p.node(), "dns.propagation.interval", "is longer than the timeout (" + DurationText.format(timeout) + ")");
        }
        p.finish();
        propagation = new DnsConfig.Propagation(timeout, interval, extra, resolvers);
      }
      List<PluginSpec> providers = plugins(m.require("providers", "a list of DNS providers"), "dns.providers", dnsProviders);
      Node defNode = m.get("default-provider");
      String given = r.string(defNode, "dns.default-provider");
      if (given != null && !declaredPlugins.contains(dnsProviders.family() + "/" + given)) {
        r.error(defNode, "dns.default-provider", undefined("DNS provider", given, providers.stream().map(PluginSpec::name).toList()));
      }
      // With a single provider there is nothing to choose between.
      String def = given == null && providers.size() == 1 ? providers.get(0).name() : given;
      m.finish();
      return new DnsConfig(def == null ? "" : def, propagation, providers);
    }

    // ---- certificates ----------------------------------------------------------------------

    List<CertSpec> certificates(
        YamlReader.Mapping root, @Nullable DnsConfig dns, KeyType defaultKeyType, Set<String> nodes, List<GroupSpec> groups) {
      List<CertSpec> out = new ArrayList<>();
      Map<String, Node> seen = new HashMap<>();
      Set<String> groupNames = new HashSet<>();
      groups.forEach(g -> groupNames.add(g.name()));
      List<Node> items = r.sequence(root.require("certificates", "a list of certificates"), "certificates");
      for (int i = 0; i < items.size(); i++) {
        String path = "certificates[" + i + "]";
        YamlReader.Mapping c = r.mapping(items.get(i), path);
        if (c == null) {
          continue;
        }
        String certProvider = r.string(c.get("dns-provider"), path + ".dns-provider");
        checkProvider(c, path + ".dns-provider", certProvider, dns);
        List<CertSpec.Domain> domains = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<Node> domainNodes = r.sequence(c.require("domains", "a list of DNS names (SANs)"), path + ".domains");
        if (domainNodes.isEmpty() && c.has("domains")) {
          r.error(c.get("domains"), path + ".domains", "must list at least one name");
        }
        for (int j = 0; j < domainNodes.size(); j++) {
          CertSpec.Domain d = domain(domainNodes.get(j), path + ".domains[" + j + "]", certProvider, dns);
          if (d != null && !names.add(d.name().value())) {
            r.error(domainNodes.get(j), path + ".domains[" + j + "]", "\"" + d.name() + "\" is listed twice");
          } else if (d != null) {
            domains.add(d);
          }
        }
        Node nameNode = c.get("name");
        CertName name = r.parsed(nameNode, path + ".name", CertName::new);
        if (nameNode == null && !domains.isEmpty()) {
          DnsName first = domains.get(0).name();
          if (first.isWildcard()) {
            r.error(c.node(), path + ".name", "required field is missing (the first domain is a wildcard, so a name must be given)");
          } else {
            name = new CertName(first.value());
          }
        }
        if (name != null && !unique(seen, "certificate", name.value(), nameNode == null ? c.node() : nameNode, path + ".name")) {
          name = null;
        }
        KeyType keyType = keyType(c.get("key-type"), path + ".key-type", null);
        String profile = r.parsed(c.get("profile"), path + ".profile", ConfigLoader::profile);
        List<String> deployTo = new ArrayList<>();
        List<Node> targets = r.sequence(c.require("deploy-to", "a list of group or node names ([] for none)"), path + ".deploy-to");
        for (int j = 0; j < targets.size(); j++) {
          String t = r.string(targets.get(j), path + ".deploy-to[" + j + "]");
          if (t == null) {
            continue;
          }
          if (!nodes.contains(t) && !groupNames.contains(t)) {
            List<String> known = new ArrayList<>(groupNames);
            known.addAll(nodes);
            r.error(targets.get(j), path + ".deploy-to[" + j + "]", undefined("group or node", t, known));
          } else {
            deployTo.add(t);
          }
        }
        List<DnsName> probe = new ArrayList<>();
        List<Node> probeNodes = r.sequence(c.get("probe"), path + ".probe");
        for (int j = 0; j < probeNodes.size(); j++) {
          DnsName n = r.parsed(probeNodes.get(j), path + ".probe[" + j + "]", DnsName::parse);
          if (n != null) {
            probe.add(n);
          }
        }
        Duration renewBefore = c.has("renew-before") ? positiveDuration(c.get("renew-before"), path + ".renew-before", Duration.ZERO) : null;
        Boolean reuseKey = r.bool(c.get("reuse-key"), path + ".reuse-key");
        String preferredChain = r.string(c.get("preferred-chain"), path + ".preferred-chain");
        c.finish();
        if (name != null && !domains.isEmpty()) {
          out.add(new CertSpec(name, domains, keyType == null ? defaultKeyType : keyType, profile, deployTo, probe,
              renewBefore, Boolean.TRUE.equals(reuseKey), preferredChain));
        }
      }
      return out;
    }

    CertSpec.@Nullable Domain domain(Node node, String path, @Nullable String certProvider, @Nullable DnsConfig dns) {
      String provider = certProvider;
      DnsName name;
      if (node instanceof ScalarNode) {
        name = r.parsed(node, path, DnsName::parse);
      } else {
        YamlReader.Mapping d = r.mapping(node, path);
        if (d == null) {
          return null;
        }
        name = r.parsed(d.require("name", "a DNS name"), path + ".name", DnsName::parse);
        Node pNode = d.get("dns-provider");
        String own = r.string(pNode, path + ".dns-provider");
        if (own != null) {
          checkProvider(d, path + ".dns-provider", own, dns);
          provider = own;
        }
        d.finish();
      }
      if (name == null) {
        return null;
      }
      if (provider == null) {
        provider = dns == null ? null : dns.defaultProvider();
      }
      if (provider == null || provider.isEmpty()) {
        if (dns != null) {
          r.error(node, path, "no DNS provider for \"" + name + "\" (set dns-provider here or dns.default-provider)");
        }
        return null;
      }
      return new CertSpec.Domain(name, provider);
    }

    private void checkProvider(YamlReader.Mapping at, String path, @Nullable String provider, @Nullable DnsConfig dns) {
      if (provider != null && dns != null && !declaredPlugins.contains(dnsProviders.family() + "/" + provider)) {
        Node n = at.get(path.substring(path.lastIndexOf('.') + 1));
        r.error(n, path, undefined("DNS provider", provider, dns.providers().stream().map(PluginSpec::name).toList()));
      }
    }

    // ---- nodes and groups ------------------------------------------------------------------

    /** Node settings as written in one place; null fields were not given there. */
    private record NodeDefaults(Map<String, Object> values) {}

    NodeDefaults nodeDefaults(YamlReader.Mapping root) {
      YamlReader.Mapping m = r.mapping(root.get("node-defaults"), "node-defaults");
      if (m == null) {
        return new NodeDefaults(Map.of());
      }
      Map<String, Object> v = nodeSettings(m, "node-defaults");
      m.finish();
      return new NodeDefaults(v);
    }

    /** Reads the settings a node or node-defaults may carry, keyed by their config path below the node. */
    private Map<String, Object> nodeSettings(YamlReader.Mapping m, String path) {
      Map<String, Object> v = new HashMap<>();
      YamlReader.Mapping ssh = r.mapping(m.get("ssh"), path + ".ssh");
      if (ssh != null) {
        String p = path + ".ssh";
        put(v, "ssh.user", r.parsed(ssh.get("user"), p + ".user", ConfigLoader::userName));
        put(v, "ssh.port", r.integer(ssh.get("port"), p + ".port", 1, 65535));
        put(v, "ssh.private-key", localPath(ssh.get("private-key"), p + ".private-key"));
        put(v, "ssh.key-passphrase", secret(ssh.get("key-passphrase"), p + ".key-passphrase"));
        put(v, "ssh.known-hosts", localPath(ssh.get("known-hosts"), p + ".known-hosts"));
        put(v, "ssh.connect-timeout", ssh.has("connect-timeout") ? positiveDuration(ssh.get("connect-timeout"), p + ".connect-timeout", null) : null);
        put(v, "ssh.command-timeout", ssh.has("command-timeout") ? positiveDuration(ssh.get("command-timeout"), p + ".command-timeout", null) : null);
        ssh.finish();
      }
      put(v, "layout", r.parsed(m.get("layout"), path + ".layout", t -> switch (t) {
        case "certbot" -> NodeSpec.Layout.CERTBOT;
        case "flat" -> NodeSpec.Layout.FLAT;
        default -> throw new IllegalArgumentException("\"" + t + "\" is not a layout (expected certbot or flat)");
      }));
      put(v, "base-dir", r.parsed(m.get("base-dir"), path + ".base-dir", ConfigLoader::remotePath));
      put(v, "fullchain-path", r.parsed(m.get("fullchain-path"), path + ".fullchain-path", ConfigLoader::remoteTemplate));
      put(v, "privkey-path", r.parsed(m.get("privkey-path"), path + ".privkey-path", ConfigLoader::remoteTemplate));
      put(v, "owner", r.parsed(m.get("owner"), path + ".owner", ConfigLoader::owner));
      put(v, "cert-mode", mode(m.get("cert-mode"), path + ".cert-mode"));
      put(v, "key-mode", mode(m.get("key-mode"), path + ".key-mode"));
      put(v, "test-command", r.string(m.get("test-command"), path + ".test-command"));
      put(v, "reload-command", r.string(m.get("reload-command"), path + ".reload-command"));
      put(v, "sudo", r.bool(m.get("sudo"), path + ".sudo"));
      put(v, "probe-port", r.integer(m.get("probe-port"), path + ".probe-port", 1, 65535));
      return v;
    }

    private void put(Map<String, Object> v, String key, @Nullable Object value) {
      if (value != null) {
        v.put(key, value);
      }
    }

    List<NodeSpec> nodes(YamlReader.Mapping root, NodeDefaults defaults, Map<String, Node> names) {
      List<NodeSpec> out = new ArrayList<>();
      List<Node> items = r.sequence(root.require("nodes", "a list of nodes"), "nodes");
      for (int i = 0; i < items.size(); i++) {
        String path = "nodes[" + i + "]";
        YamlReader.Mapping m = r.mapping(items.get(i), path);
        if (m == null) {
          continue;
        }
        Node nameNode = m.require("name", "a node name");
        String name = r.parsed(nameNode, path + ".name", ConfigLoader::name);
        if (name != null && !unique(names, "node", name, nameNode, path + ".name")) {
          name = null;
        }
        String address = r.parsed(m.require("address", "an IP address or host name"), path + ".address", ConfigLoader::address);
        Map<String, Object> own = nodeSettings(m, path);
        m.finish();
        Map<String, Object> s = new HashMap<>(defaults.values());
        s.putAll(own);
        List<String> missing = new ArrayList<>();
        for (String required : List.of("ssh.user", "ssh.private-key", "ssh.known-hosts")) {
          if (!s.containsKey(required)) {
            missing.add(required);
          }
        }
        NodeSpec.Layout layout = (NodeSpec.Layout) s.getOrDefault("layout", NodeSpec.Layout.CERTBOT);
        NodeSpec.FlatPaths flat = null;
        if (layout == NodeSpec.Layout.FLAT) {
          for (String required : List.of("fullchain-path", "privkey-path")) {
            if (!s.containsKey(required)) {
              missing.add(required + " (layout flat)");
            }
          }
          if (s.containsKey("fullchain-path") && s.containsKey("privkey-path")) {
            flat = new NodeSpec.FlatPaths((String) s.get("fullchain-path"), (String) s.get("privkey-path"));
          }
        }
        if (!missing.isEmpty()) {
          r.error(m.node(), path, "not set here nor in node-defaults: " + String.join(", ", missing));
          continue;
        }
        if (name == null || address == null) {
          continue;
        }
        NodeSpec.Ssh ssh = new NodeSpec.Ssh(
            (String) s.get("ssh.user"),
            (Integer) s.getOrDefault("ssh.port", 22),
            (Path) s.get("ssh.private-key"),
            (SecretRef) s.get("ssh.key-passphrase"),
            (Path) s.get("ssh.known-hosts"),
            (Duration) s.getOrDefault("ssh.connect-timeout", Duration.ofSeconds(10)),
            (Duration) s.getOrDefault("ssh.command-timeout", Duration.ofSeconds(60)));
        out.add(new NodeSpec(
            name,
            address,
            ssh,
            layout,
            (String) s.getOrDefault("base-dir", "/etc/letsencrypt"),
            flat,
            (String) s.get("owner"),
            (Integer) s.getOrDefault("cert-mode", 0644),
            (Integer) s.getOrDefault("key-mode", 0600),
            (String) s.getOrDefault("test-command", "nginx -t"),
            (String) s.getOrDefault("reload-command", "systemctl reload nginx"),
            (Boolean) s.getOrDefault("sudo", false),
            (Integer) s.getOrDefault("probe-port", 443)));
      }
      return out;
    }

    List<GroupSpec> groups(YamlReader.Mapping root, Set<String> nodes) {
      List<GroupSpec> out = new ArrayList<>();
      Map<String, Node> seen = new HashMap<>();
      List<Node> items = r.sequence(root.get("groups"), "groups");
      for (int i = 0; i < items.size(); i++) {
        String path = "groups[" + i + "]";
        YamlReader.Mapping m = r.mapping(items.get(i), path);
        if (m == null) {
          continue;
        }
        Node nameNode = m.require("name", "a group name");
        String name = r.parsed(nameNode, path + ".name", ConfigLoader::name);
        if (name != null && nodes.contains(name)) {
          r.error(nameNode, path + ".name", "\"" + name + "\" is also a node name; deploy-to could not tell them apart");
          name = null;
        } else if (name != null && !unique(seen, "group", name, nameNode, path + ".name")) {
          name = null;
        }
        List<String> members = new ArrayList<>();
        List<Node> memberNodes = r.sequence(m.require("nodes", "a list of node names"), path + ".nodes");
        for (int j = 0; j < memberNodes.size(); j++) {
          String n = r.string(memberNodes.get(j), path + ".nodes[" + j + "]");
          if (n != null && !nodes.contains(n)) {
            r.error(memberNodes.get(j), path + ".nodes[" + j + "]", undefined("node", n, List.copyOf(nodes)));
          } else if (n != null && !members.contains(n)) {
            members.add(n);
          }
        }
        m.finish();
        if (name != null) {
          out.add(new GroupSpec(name, members));
        }
      }
      return out;
    }

    // ---- alerts, schedule, state -----------------------------------------------------------

    @Nullable AlertConfig alerts(YamlReader.Mapping root) {
      YamlReader.Mapping m = r.mapping(root.get("alerts"), "alerts");
      if (m == null) {
        return new AlertConfig(Duration.ofDays(14), Duration.ofHours(24), null, List.of());
      }
      Duration warn = positiveDuration(m.get("warn-before"), "alerts.warn-before", Duration.ofDays(14));
      Duration repeat = positiveDuration(m.get("repeat-every"), "alerts.repeat-every", Duration.ofHours(24));
      SecretRef heartbeat = secret(m.get("heartbeat-url"), "alerts.heartbeat-url");
      List<PluginSpec> channels = plugins(m.get("channels"), "alerts.channels", alertChannels);
      m.finish();
      return new AlertConfig(warn, repeat, heartbeat, channels);
    }

    @Nullable ScheduleConfig schedule(YamlReader.Mapping root) {
      YamlReader.Mapping m = r.mapping(root.get("schedule"), "schedule");
      if (m == null) {
        return new ScheduleConfig(ZoneId.of("UTC"), ScheduleConfig.DEFAULT_RENEWAL_CHECK,
            ScheduleConfig.DEFAULT_INVENTORY_SCAN, ScheduleConfig.DEFAULT_REPORT);
      }
      ZoneId zone = r.parsed(m.get("time-zone"), "schedule.time-zone", t -> {
        try {
          return ZoneId.of(t);
        } catch (DateTimeException e) {
          throw new IllegalArgumentException("\"" + t + "\" is not a time zone (expected e.g. UTC or Europe/Berlin)");
        }
      });
      String renew = cron(m.get("renewal-check"), "schedule.renewal-check", ScheduleConfig.DEFAULT_RENEWAL_CHECK);
      String scan = cron(m.get("inventory-scan"), "schedule.inventory-scan", ScheduleConfig.DEFAULT_INVENTORY_SCAN);
      String report = cron(m.get("report"), "schedule.report", ScheduleConfig.DEFAULT_REPORT);
      m.finish();
      return new ScheduleConfig(zone == null ? ZoneId.of("UTC") : zone, renew, scan, report);
    }

    @Nullable DeployConfig deploy(YamlReader.Mapping root, Set<String> nodeNames) {
      YamlReader.Mapping m = r.mapping(root.get("deploy"), "deploy");
      if (m == null) {
        return DeployConfig.defaults();
      }
      Node canaryNode = m.get("canary");
      String canary = r.string(canaryNode, "deploy.canary");
      if (canary != null && !nodeNames.contains(canary)) {
        r.error(canaryNode, "deploy.canary", undefined("node", canary, List.copyOf(nodeNames)));
      }
      Integer parallelism = r.integer(m.get("parallelism"), "deploy.parallelism", 1, 256);
      Integer maxFailed = r.integer(m.get("max-failed-nodes"), "deploy.max-failed-nodes", 0, 10_000);
      Duration verify = positiveDuration(m.get("verify-timeout"), "deploy.verify-timeout", DeployConfig.DEFAULT_VERIFY_TIMEOUT);
      Duration hookTimeout = positiveDuration(m.get("hook-timeout"), "deploy.hook-timeout", DeployConfig.DEFAULT_HOOK_TIMEOUT);
      List<Path> hooks = new ArrayList<>();
      List<Node> hookNodes = r.sequence(m.get("hooks"), "deploy.hooks");
      for (int i = 0; i < hookNodes.size(); i++) {
        Path hook = localPath(hookNodes.get(i), "deploy.hooks[" + i + "]");
        if (hook != null) {
          hooks.add(hook);
        }
      }
      m.finish();
      return new DeployConfig(canary,
          parallelism == null ? DeployConfig.DEFAULT_PARALLELISM : parallelism,
          maxFailed == null ? DeployConfig.DEFAULT_MAX_FAILED_NODES : maxFailed,
          verify == null ? DeployConfig.DEFAULT_VERIFY_TIMEOUT : verify, hooks,
          hookTimeout == null ? DeployConfig.DEFAULT_HOOK_TIMEOUT : hookTimeout);
    }

    InventoryConfig inventory(YamlReader.Mapping root) {
      YamlReader.Mapping m = r.mapping(root.get("inventory"), "inventory");
      if (m == null) {
        return InventoryConfig.defaults();
      }
      Path bundle = localPath(m.get("ca-bundle"), "inventory.ca-bundle");
      m.finish();
      return new InventoryConfig(bundle);
    }

    DaemonConfig daemon(YamlReader.Mapping root) {
      YamlReader.Mapping m = r.mapping(root.get("daemon"), "daemon");
      if (m == null) {
        return DaemonConfig.defaults();
      }
      String listen = r.parsed(m.get("listen"), "daemon.listen", ConfigLoader::listen);
      Duration stop = positiveDuration(m.get("stop-timeout"), "daemon.stop-timeout", DaemonConfig.DEFAULT_STOP_TIMEOUT);
      Duration ready = positiveDuration(m.get("ready-within"), "daemon.ready-within", DaemonConfig.DEFAULT_READY_WITHIN);
      m.finish();
      String host = listen == null ? DaemonConfig.DEFAULT_HOST : listen.substring(0, listen.lastIndexOf(':'));
      int port = listen == null ? DaemonConfig.DEFAULT_PORT : Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
      return new DaemonConfig(host, port,
          stop == null ? DaemonConfig.DEFAULT_STOP_TIMEOUT : stop, ready == null ? DaemonConfig.DEFAULT_READY_WITHIN : ready);
    }

    @Nullable ClusterConfig cluster(YamlReader.Mapping root) {
      Node node = root.get("cluster");
      YamlReader.Mapping m = r.mapping(node, "cluster");
      if (m == null) {
        return null;
      }
      String url = r.parsed(m.require("jdbc-url", "the PostgreSQL database, e.g. jdbc:postgresql://db.internal:5432/certfleet"),
          "cluster.jdbc-url", ConfigLoader::jdbcUrl);
      String user = r.parsed(m.require("user", "the database login"), "cluster.user", t -> {
        if (SecretRef.looksLikeReference(t)) {
          throw new IllegalArgumentException("takes the login name itself, not a reference (the password is a reference)");
        }
        return t;
      });
      SecretRef password = secret(m.get("password"), "cluster.password");
      SecretRef key = secret(m.require("encryption-key",
          "a secret reference to the key that encrypts private keys in the database; make one with openssl rand -base64 32"),
          "cluster.encryption-key");
      Integer pool = r.integer(m.get("pool-size"), "cluster.pool-size", 1, ClusterConfig.MAX_POOL_SIZE);
      Node checkinNode = m.get("check-in-interval");
      Duration checkin = positiveDuration(checkinNode, "cluster.check-in-interval", ClusterConfig.DEFAULT_CHECKIN_INTERVAL);
      if (checkin != null && checkin.compareTo(ClusterConfig.MIN_CHECKIN_INTERVAL) < 0) {
        r.error(checkinNode, "cluster.check-in-interval", "\"" + DurationText.format(checkin) + "\" is shorter than "
            + DurationText.format(ClusterConfig.MIN_CHECKIN_INTERVAL) + " (expected e.g. 15s)");
        checkin = null;
      }
      Duration connect = positiveDuration(m.get("connect-timeout"), "cluster.connect-timeout", ClusterConfig.DEFAULT_CONNECT_TIMEOUT);
      m.finish();
      if (url == null || user == null || key == null || checkin == null || connect == null
          || (m.has("password") && password == null)) {
        return null;
      }
      return new ClusterConfig(url, user, password, key, pool == null ? ClusterConfig.DEFAULT_POOL_SIZE : pool, checkin, connect);
    }

    @Nullable Path state(YamlReader.Mapping root) {
      YamlReader.Mapping m = r.mapping(root.get("state"), "state");
      if (m == null) {
        return Path.of("/var/lib/certfleet");
      }
      Path dir = localPath(m.get("dir"), "state.dir");
      m.finish();
      return dir == null ? Path.of("/var/lib/certfleet") : dir;
    }

    // ---- shared value readers --------------------------------------------------------------

    List<PluginSpec> plugins(@Nullable Node node, String path, PluginCatalog catalog) {
      List<PluginSpec> out = new ArrayList<>();
      Map<String, Node> seen = new HashMap<>();
      List<Node> items = r.sequence(node, path);
      for (int i = 0; i < items.size(); i++) {
        String p = path + "[" + i + "]";
        YamlReader.Mapping m = r.mapping(items.get(i), p);
        if (m == null) {
          continue;
        }
        Node nameNode = m.require("name", "a name to refer to this " + catalog.family());
        String name = r.parsed(nameNode, p + ".name", ConfigLoader::name);
        if (name != null && !unique(seen, catalog.family(), name, nameNode, p + ".name")) {
          name = null;
        } else if (name != null) {
          declaredPlugins.add(catalog.family() + "/" + name);
        }
        Node typeNode = m.require("type", "one of " + String.join(", ", catalog.types()));
        String type = r.string(typeNode, p + ".type");
        Optional<List<OptionSpec>> specs = type == null ? Optional.empty() : catalog.options(type);
        if (type != null && specs.isEmpty()) {
          r.error(typeNode, p + ".type", "unknown " + catalog.family() + " type \"" + type + "\" (expected one of: "
              + String.join(", ", catalog.types().stream().sorted().toList()) + ")");
        }
        Map<String, String> options = new LinkedHashMap<>();
        YamlReader.Mapping o = r.mapping(m.get("options"), p + ".options");
        if (specs.isPresent()) {
          options = options(o, m, p + ".options", specs.get());
        } else if (o != null) {
          o.all();
        }
        m.finish();
        if (name != null && type != null && specs.isPresent()) {
          out.add(new PluginSpec(name, type, options));
        }
      }
      return out;
    }

    private Map<String, String> options(YamlReader.@Nullable Mapping o, YamlReader.Mapping owner, String path, List<OptionSpec> specs) {
      Map<String, String> out = new LinkedHashMap<>();
      Map<String, Node> given = o == null ? Map.of() : o.all();
      List<String> known = specs.stream().map(OptionSpec::name).toList();
      for (Map.Entry<String, Node> e : given.entrySet()) {
        String p = path + "." + e.getKey();
        Optional<OptionSpec> spec = specs.stream().filter(s -> s.name().equals(e.getKey())).findFirst();
        if (spec.isEmpty()) {
          r.error(o.keyNode(e.getKey()), p, YamlReader.unknownKey(e.getKey(), known));
          continue;
        }
        if (YamlReader.isNull(e.getValue())) {
          continue;
        }
        if (!(e.getValue() instanceof ScalarNode s)) {
          r.error(e.getValue(), p, "expected a single value, found " + YamlReader.describe(e.getValue()));
          continue;
        }
        if (spec.get().secret()) {
          SecretRef ref = secret(s, p);
          if (ref != null) {
            out.put(e.getKey(), ref.toString());
          }
        } else if (SecretRef.looksLikeReference(s.getValue())) {
          r.error(s, p, "is not a secret option, so it takes a plain value, not a reference");
        } else {
          out.put(e.getKey(), s.getValue());
        }
      }
      for (OptionSpec spec : specs) {
        if (spec.required() && !out.containsKey(spec.name()) && !given.containsKey(spec.name())) {
          r.error(o == null ? owner.node() : o.node(), path + "." + spec.name(),
              "required option is missing (" + spec.description() + ")");
        }
      }
      return out;
    }

    @Nullable SecretRef secret(@Nullable Node node, String path) {
      String text = r.string(node, path);
      if (text == null) {
        return null;
      }
      Optional<SecretRef> ref = SecretRef.parse(text);
      if (ref.isEmpty()) {
        r.error(node, path, SecretRef.looksLikeReference(text)
            ? "malformed secret reference (expected ${env:NAME} or ${file:/absolute/path})"
            : "must be a secret reference, never the secret itself (expected ${env:NAME} or ${file:/absolute/path})");
        return null;
      }
      Optional<org.snakeyaml.engine.v2.exceptions.Mark> mark = Objects.requireNonNull(node).getStartMark();
      secretUses.add(new SecretUse(label, mark.map(mk -> mk.getLine() + 1).orElse(0),
          mark.map(mk -> mk.getColumn() + 1).orElse(0), path, ref.get()));
      return ref.get();
    }

    @Nullable Path localPath(@Nullable Node node, String path) {
      return r.parsed(node, path, t -> {
        if (t.contains("\0")) {
          throw new IllegalArgumentException("contains a NUL character");
        }
        return baseDir.resolve(t).normalize();
      });
    }

    @Nullable KeyType keyType(@Nullable Node node, String path, @Nullable KeyType fallback) {
      KeyType k = r.parsed(node, path, t -> KeyType.byId(t).orElseThrow(() ->
          new IllegalArgumentException("\"" + t + "\" is not a key type (expected one of: " + String.join(", ", KeyType.ids()) + ")")));
      return k == null ? fallback : k;
    }

    @Nullable Integer mode(@Nullable Node node, String path) {
      String t = r.quotedString(node, path, "\"0600\"");
      if (t == null) {
        return null;
      }
      if (!MODE.matcher(t).matches()) {
        r.error(node, path, "\"" + t + "\" is not an octal file mode (expected e.g. \"0600\" or \"0644\")");
        return null;
      }
      return Integer.parseInt(t, 8);
    }

    Duration duration(@Nullable Node node, String path, Duration fallback) {
      Duration d = r.parsed(node, path, t -> DurationText.parse(t).orElseThrow(() ->
          new IllegalArgumentException("\"" + t + "\" is not a duration (expected e.g. 500ms, 30s, 5m, 24h, 14d)")));
      return d == null ? fallback : d;
    }

    /** A duration above zero; returns {@code fallback} (which may be null) when absent or invalid. */
    @SuppressWarnings("NullAway")
    Duration positiveDuration(@Nullable Node node, String path, @Nullable Duration fallback) {
      Duration d = r.parsed(node, path, t -> {
        Duration parsed = DurationText.parse(t).orElseThrow(() ->
            new IllegalArgumentException("\"" + t + "\" is not a duration (expected e.g. 500ms, 30s, 5m, 24h, 14d)"));
        if (parsed.isNegative() || parsed.isZero()) {
          throw new IllegalArgumentException("\"" + t + "\" must be longer than zero");
        }
        return parsed;
      });
      return d == null ? fallback : d;
    }

    String cron(@Nullable Node node, String path, String fallback) {
      String c = r.parsed(node, path, ConfigLoader::cron);
      return c == null ? fallback : c;
    }

    /** Records {@code name} as defined at {@code at}; a second definition is reported and returns false. */
    private boolean unique(Map<String, Node> seen, String what, String name, Node at, String path) {
      Node first = seen.putIfAbsent(name, at);
      if (first == null) {
        return true;
      }
      r.error(at, path, "duplicate " + what + " name \"" + name + "\" (first defined on line "
          + first.getStartMark().map(mk -> mk.getLine() + 1).orElse(0) + ")");
      return false;
    }

    private String undefined(String what, String name, List<String> known) {
      return known.isEmpty()
          ? what + " \"" + name + "\" is not defined (none are defined)"
          : what + " \"" + name + "\" is not defined (expected one of: " + String.join(", ", known) + ")";
    }
  }

  // ---- value checks, each throws IllegalArgumentException with the message shown to the user ----

  static URI directory(String text) {
    String t = DIRECTORY_SHORTCUTS.getOrDefault(text, text);
    try {
      URI uri = new URI(t);
      if ("acme".equals(uri.getScheme())) {
        return uri;
      }
      boolean loopback = "localhost".equals(uri.getHost())
          || (uri.getHost() != null && uri.getHost().startsWith("127."));
      if ("https".equals(uri.getScheme()) && uri.getHost() != null) {
        return uri;
      }
      if ("http".equals(uri.getScheme()) && loopback) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below with the expected forms
    }
    throw new IllegalArgumentException("\"" + text + "\" is not a directory (expected letsencrypt, letsencrypt-staging,"
        + " pebble or an https:// URL)");
  }

  /**
   * A PostgreSQL JDBC URL: {@code jdbc:postgresql://host[:port][,host[:port]…]/database[?params]}. The
   * login is configured apart, so a {@code user} or {@code password} parameter is refused (a password in
   * the URL would be in certs.yaml and in every message that quotes the URL).
   */
  static String jdbcUrl(String t) {
    java.util.regex.Matcher m = JDBC_URL.matcher(t);
    if (!m.matches()) {
      // A URL with user info or a password parameter is not quoted back: it may hold the password.
      boolean quotable = !t.contains("@") && !t.toLowerCase(Locale.ROOT).contains("password");
      String shown = !quotable ? "the value" : "\"" + (t.length() > 80 ? t.substring(0, 80) + "…" : t) + "\"";
      throw new IllegalArgumentException((t.startsWith("jdbc:") && !t.startsWith("jdbc:postgresql:")
          ? "only PostgreSQL is supported" : shown + " is not a PostgreSQL JDBC URL")
          + " (expected jdbc:postgresql://host[:port]/database, e.g. jdbc:postgresql://db.internal:5432/certfleet)");
    }
    for (String host : m.group(1).split(",")) {
      String h = host.startsWith("[") ? host.substring(1, host.indexOf(']')) : host.replaceFirst(":\\d+$", "");
      String port = host.startsWith("[") ? host.substring(host.indexOf(']') + 1).replaceFirst("^:", "") : host.contains(":")
          ? host.substring(host.indexOf(':') + 1) : "";
      if (!port.isEmpty() && (Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535)) {
        throw new IllegalArgumentException("port " + port + " is out of range (expected 1 to 65535)");
      }
      if (!host.startsWith("[")) {
        address(h);
      }
    }
    if (m.group(3) != null) {
      for (String param : m.group(3).split("&")) {
        String k = param.contains("=") ? param.substring(0, param.indexOf('=')) : param;
        if (k.equalsIgnoreCase("password") || k.equalsIgnoreCase("user")) {
          throw new IllegalArgumentException("must not carry the " + k.toLowerCase(Locale.ROOT)
              + " (set cluster.user, and cluster.password as a secret reference)");
        }
      }
    }
    return t;
  }

  static String profile(String t) {
    if (!PROFILE.matcher(t).matches()) {
      throw new IllegalArgumentException("\"" + t + "\" is not a profile name (expected a token like tlsserver or shortlived)");
    }
    return t;
  }

  static String name(String t) {
    if (!NAME.matcher(t).matches() || t.contains("..")) {
      throw new IllegalArgumentException("\"" + t + "\" is not a valid name (expected lowercase letters, digits, '.', '-', '_';"
          + " no '/' or '..'; at most 64 characters)");
    }
    return t;
  }

  static String userName(String t) {
    if (!t.matches("[a-z_][a-z0-9_.-]{0,31}")) {
      throw new IllegalArgumentException("\"" + t + "\" is not a user name (expected e.g. certfleet)");
    }
    return t;
  }

  static String owner(String t) {
    if (!t.matches("[a-z_][a-z0-9_.-]{0,31}(:[a-z_][a-z0-9_.-]{0,31})?")) {
      throw new IllegalArgumentException("\"" + t + "\" is not an owner (expected user or user:group, e.g. root:root)");
    }
    return t;
  }

  static String address(String t) {
    if (IPV4.matcher(t).matches()) {
      return t;
    }
    if (t.contains(":")) {
      if (t.matches("[0-9A-Fa-f:.]+")) {
        return t;
      }
      throw new IllegalArgumentException("\"" + t + "\" is not an IP address or host name");
    }
    if (t.matches("[0-9.]+")) {
      throw new IllegalArgumentException("\"" + t + "\" is not a valid IPv4 address");
    }
    if (!t.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")) {
      throw new IllegalArgumentException("\"" + t + "\" is not an IP address or host name");
    }
    return t.toLowerCase(Locale.ROOT);
  }

  static String resolver(String t) {
    String host = t;
    int port = 53;
    int colon = t.lastIndexOf(':');
    if (colon > 0 && !t.endsWith("]") && t.indexOf(':') == colon) {
      host = t.substring(0, colon);
      try {
        port = Integer.parseInt(t.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
    }
    if (!IPV4.matcher(host).matches() || port < 1 || port > 65535) {
      throw new IllegalArgumentException("\"" + t + "\" is not a resolver address (expected an IPv4 address with an"
          + " optional port, e.g. 9.9.9.9 or 127.0.0.53:53)");
    }
    return host + ":" + port;
  }

  /** {@code IPv4:port} or {@code [IPv6]:port}, returned as {@code host:port} with the brackets removed. */
  static String listen(String t) {
    int colon = t.lastIndexOf(':');
    String host = colon > 0 ? t.substring(0, colon) : "";
    int port;
    try {
      port = colon > 0 ? Integer.parseInt(t.substring(colon + 1)) : -1;
    } catch (NumberFormatException e) {
      port = -1;
    }
    boolean v6 = host.startsWith("[") && host.endsWith("]") && host.length() > 2
        && host.substring(1, host.length() - 1).matches("[0-9a-fA-F:.]+");
    if (!(IPV4.matcher(host).matches() || v6) || port < 1 || port > 65535) {
      throw new IllegalArgumentException("\"" + t + "\" is not a listen address (expected an IP address and a port,"
          + " e.g. 127.0.0.1:9464 or [::1]:9464)");
    }
    return (v6 ? host.substring(1, host.length() - 1) : host) + ":" + port;
  }

  static String remotePath(String t) {
    if (!t.startsWith("/") || t.contains("/../") || t.endsWith("/..") || t.contains("\0")) {
      throw new IllegalArgumentException("\"" + t + "\" must be an absolute path on the node without '..' (expected e.g. /etc/letsencrypt)");
    }
    return t.length() > 1 && t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
  }

  static String remoteTemplate(String t) {
    remotePath(t);
    if (!t.contains("{name}")) {
      throw new IllegalArgumentException("\"" + t + "\" must contain {name} so each certificate gets its own file"
          + " (expected e.g. /etc/nginx/tls/{name}.pem)");
    }
    return t;
  }

  static String cron(String t) {
    String[] fields = t.trim().split("\\s+");
    if (fields.length == 5) {
      throw new IllegalArgumentException("\"" + t + "\" looks like a 5-field crontab line; Quartz cron has a seconds field"
          + " first and needs ? in day-of-month or day-of-week (expected e.g. \"0 " + t.trim().replaceFirst("\\*$", "?") + "\")");
    }
    try {
      new CronExpression(t);
    } catch (java.text.ParseException e) {
      throw new IllegalArgumentException("\"" + t + "\" is not a valid Quartz cron expression: " + e.getMessage()
          + " (expected six or seven fields, seconds first, e.g. \"0 0 9 ? * MON\")");
    }
    return t;
  }
}
