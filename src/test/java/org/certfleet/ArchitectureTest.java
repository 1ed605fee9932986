package org.certfleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The one-way package dependencies of docs/architecture.md, as code. A new package must get a row
 * here, which is the moment to decide what it may depend on.
 */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java/org/certfleet");
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?org\\.certfleet\\.([a-z0-9]+)\\.", Pattern.MULTILINE);

  /** Top-level package → the certfleet packages it may import. "*" means any. */
  private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
      Map.entry("cert", Set.of()),
      Map.entry("time", Set.of()),
      Map.entry("config", Set.of("cert")),
      Map.entry("store", Set.of("cert", "time")),
      Map.entry("dns", Set.of("config", "cert", "time")),
      Map.entry("alert", Set.of("config", "store", "cert", "time")),
      Map.entry("acme", Set.of("config", "cert", "time")),
      Map.entry("probe", Set.of("cert", "time")),
      Map.entry("renewal", Set.of("acme", "dns", "store", "config", "cert", "time")),
      Map.entry("audit", Set.of()),
      Map.entry("db", Set.of("store", "config", "cert")),
      Map.entry("ssh", Set.of("config")),
      Map.entry("deploy", Set.of("ssh", "probe", "store", "audit", "config", "cert", "time")),
      Map.entry("inventory", Set.of("alert", "deploy", "ssh", "probe", "renewal", "store", "config", "cert", "time")),
      Map.entry("operation", Set.of("state", "inventory", "deploy", "renewal", "alert", "audit", "ssh", "probe", "store", "dns", "config", "cert", "time")),
      Map.entry("metrics", Set.of("inventory", "cert", "time")),
      Map.entry("web", Set.of("metrics", "inventory", "audit", "cert", "time")),
      Map.entry("daemon", Set.of("db", "state", "operation", "web", "metrics", "ssh", "inventory", "deploy", "renewal", "alert", "audit", "store", "config", "cert", "time")),
      Map.entry("state", Set.of("db", "renewal", "acme", "alert", "audit", "store", "config", "cert", "time")),
      Map.entry("cli", Set.of("*")));

  @Test
  void importsFollowTheDependencyDirection() throws IOException {
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Path rel = MAIN.relativize(file);
        if (rel.getNameCount() == 1) {
          continue; // the composition root may use everything
        }
        String pkg = rel.getName(0).toString();
        Set<String> allowed = ALLOWED.get(pkg);
        if (allowed == null) {
          violations.add(pkg + ": new package without a row in ArchitectureTest.ALLOWED and docs/architecture.md");
          continue;
        }
        Matcher m = IMPORT.matcher(Files.readString(file));
        while (m.find()) {
          String target = m.group(1);
          if (!target.equals(pkg) && !allowed.contains("*") && !allowed.contains(target)) {
            violations.add(rel + " imports org.certfleet." + target + " (" + pkg + " may use " + allowed + ")");
          }
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void everyPackageDocumentsItself() throws IOException {
    try (Stream<Path> dirs = Files.walk(MAIN)) {
      List<Path> undocumented = dirs.filter(Files::isDirectory)
          .filter(d -> !d.equals(MAIN))
          .filter(d -> !Files.exists(d.resolve("package-info.java")))
          .toList();
      assertThat(undocumented).isEmpty();
    }
  }
}
