package org.certfleet.testing.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the lab once per test run and stops it when the run ends, failed tests or not (the handle
 * lives in the root context's store, which JUnit closes last). A lab that is already running (a
 * developer's, found through {@code CERTFLEET_LAB_DIR} or the default folder) is used as it is and
 * left running. Test classes take a {@link Lab} parameter.
 */
public final class LabExtension implements BeforeAllCallback, ParameterResolver {
  static final int NODES = 4;

  @Override
  public void beforeAll(ExtensionContext context) {
    running(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    return p.getParameter().getType() == Lab.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    return running(c).lab;
  }

  private static Handle running(ExtensionContext context) {
    return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(Handle.class, k -> Handle.start(), Handle.class);
  }

  /** The lab for this run; closing it stops the lab if this run started it. */
  static final class Handle implements AutoCloseable {
    final Lab lab;
    final boolean owned;
    final Path script;

    private Handle(Lab lab, boolean owned, Path script) {
      this.lab = lab;
      this.owned = owned;
      this.script = script;
    }

    static Handle start() {
      Path base = Path.of(System.getProperty("certfleet.basedir", "."));
      Path script = base.resolve("src/lab/lab.sh").toAbsolutePath();
      String envDir = System.getenv("CERTFLEET_LAB_DIR");
      Path dir = Path.of(envDir == null || envDir.isBlank() ? "/tmp/certfleet-lab" : envDir);
      try {
        if (Files.exists(dir.resolve("lab.json")) && run(script, dir, "status") == 0) {
          return new Handle(Lab.read(dir.resolve("lab.json")), false, script);
        }
        if (run(script, dir, "start", "--nodes", Integer.toString(NODES)) != 0) {
          throw new IllegalStateException("src/lab/lab.sh start failed; see the output above");
        }
        return new Handle(Lab.read(dir.resolve("lab.json")), true, script);
      } catch (IOException e) {
        throw new IllegalStateException("cannot start the lab: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() throws IOException {
      if (owned) {
        run(script, lab.dir(), "stop");
      }
    }

    private static int run(Path script, Path dir, String... args) throws IOException {
      List<String> cmd = new java.util.ArrayList<>(List.of("bash", script.toString()));
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
      pb.environment().put("CERTFLEET_LAB_DIR", dir.toString());
      // Integration tests exercise acme4j's badNonce retries.
      pb.environment().putIfAbsent("LAB_NONCE_REJECT", "20");
      Process p = pb.start();
      try {
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IOException("lab.sh " + String.join(" ", args) + " did not finish in 180 s");
        }
        return p.exitValue();
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
  }
}
