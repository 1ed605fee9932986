package org.certfleet.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.certfleet.audit.AuditEntry;
import org.certfleet.audit.AuditLog;
import org.certfleet.config.CertSpec;
import org.certfleet.store.Lineage;
import org.certfleet.store.PemFile;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the local deploy hooks after a certificate's rollout (purge a CDN cache, reload another
 * service). Each hook gets the certificate and the per-node results in environment variables:
 *
 * <ul>
 *   <li>{@code CERTFLEET_CERT_NAME}, {@code CERTFLEET_DOMAINS} (space-separated), {@code
 *       CERTFLEET_VERSION}, {@code CERTFLEET_SERIAL}, {@code CERTFLEET_SHA256}, {@code
 *       CERTFLEET_NOT_AFTER}
 *   <li>{@code CERTFLEET_LIVE_DIR}, {@code CERTFLEET_CERT}, {@code CERTFLEET_CHAIN}, {@code
 *       CERTFLEET_FULLCHAIN}, {@code CERTFLEET_PRIVKEY}: the local live paths
 *   <li>{@code CERTFLEET_NODES_OK}, {@code CERTFLEET_NODES_FAILED} (space-separated node names) and
 *       {@code CERTFLEET_RESULTS} (a JSON array of the per-node results)
 * </ul>
 *
 * A hook that exits non-zero or outlives its timeout is a failure of the run (exit code non-zero),
 * never silently ignored.
 */
public final class HookRunner {
  private static final Logger log = LoggerFactory.getLogger(HookRunner.class);
  private static final int MAX_OUTPUT = 16 * 1024;

  private final Duration timeout;
  private final Path workDir;
  private final AuditLog audit;
  private final java.time.Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  /** @param workDir where hooks run: the directory of certs.yaml, which relative hook paths are relative to */
  public HookRunner(Duration timeout, Path workDir, AuditLog audit, java.time.Clock clock) {
    this.timeout = timeout;
    this.workDir = workDir;
    this.audit = audit;
    this.clock = clock;
  }

  /** What one hook did; {@code error} is null when it succeeded. */
  public record HookResult(String cert, Path hook, @Nullable String error, Duration took) {
    public boolean ok() {
      return error == null;
    }
  }

  List<HookResult> run(List<Path> hooks, CertSpec spec, Lineage lineage, List<NodeResult> results)
      throws InterruptedException {
    List<HookResult> out = new ArrayList<>();
    for (Path hook : hooks) {
      java.time.Instant started = clock.instant();
      String error = runOne(hook, env(spec, lineage, results));
      Duration took = Duration.between(started, clock.instant());
      if (error == null) {
        log.info("{}: hook {} succeeded", spec.name(), hook);
      } else {
        log.error("{}: hook {} failed: {}", spec.name(), hook, error);
      }
      audit.append(new AuditEntry(clock.instant(), "hook", spec.name().value(), "-", null, null, null,
          hook.toString(), error == null ? "ok" : error));
      out.add(new HookResult(spec.name().value(), hook, error, took));
    }
    return out;
  }

  private @Nullable String runOne(Path hook, Map<String, String> env) throws InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(hook.toString()).directory(workDir.toFile()).redirectErrorStream(false);
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return "cannot start: " + e.getMessage();
    }
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // the hook does not read its input; nothing to do
    }
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
      return "timed out after " + timeout.toSeconds() + " s";
    }
    String stderr = collected(err);
    String stdout = collected(out);
    if (!stdout.isEmpty()) {
      log.info("hook {}: {}", hook, stdout);
    }
    if (p.exitValue() != 0) {
      String text = stderr.isEmpty() ? stdout : stderr;
      String oneLine = String.join(" / ", text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
      return "exit " + p.exitValue() + (oneLine.isEmpty() ? "" : ": " + oneLine);
    }
    return null;
  }

  /** The output read so far; the pipes close when the hook exits, so this waits only briefly. */
  private static String collected(CompletableFuture<String> f) throws InterruptedException {
    try {
      return f.get(2, TimeUnit.SECONDS).strip();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return "";
    }
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        byte[] data = in.readNBytes(MAX_OUTPUT);
        in.transferTo(java.io.OutputStream.nullOutputStream());
        return new String(data, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
  }

  private Map<String, String> env(CertSpec spec, Lineage lineage, List<NodeResult> results) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CERTFLEET_CERT_NAME", spec.name().value());
    env.put("CERTFLEET_DOMAINS", String.join(" ", spec.names().stream().map(Object::toString).toList()));
    env.put("CERTFLEET_VERSION", Integer.toString(lineage.version()));
    env.put("CERTFLEET_SERIAL", lineage.facts().serial());
    env.put("CERTFLEET_SHA256", lineage.facts().sha256());
    env.put("CERTFLEET_NOT_AFTER", lineage.facts().notAfter().toString());
    // A cluster keeps certificates in its database: there are no local live/ files to point a hook at.
    if (lineage.liveDir() != null) {
      env.put("CERTFLEET_LIVE_DIR", lineage.liveDir().toString());
      for (PemFile f : PemFile.values()) {
        env.put("CERTFLEET_" + f.name(), lineage.live(f).toString());
      }
    }
    env.put("CERTFLEET_NODES_OK", String.join(" ", results.stream().filter(r -> r.status().good()).map(NodeResult::node).toList()));
    env.put("CERTFLEET_NODES_FAILED", String.join(" ", results.stream().filter(r -> !r.status().good()).map(NodeResult::node).toList()));
    try {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (NodeResult r : results) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("node", r.node());
        row.put("status", r.status().label());
        row.put("step", r.step().label());
        row.put("fromSerial", r.fromSerial());
        row.put("toSerial", r.toSerial());
        row.put("error", r.status().good() ? null : r.detail());
        rows.add(row);
      }
      env.put("CERTFLEET_RESULTS", json.writeValueAsString(rows));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render hook results", e);
    }
    return env;
  }
}
