package org.certfleet.dns.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.certfleet.dns.DnsException;
import org.certfleet.dns.DnsProvider;
import org.certfleet.dns.TxtRecord;

/** Runs the configured program for each present and clean-up; see {@link ExecFactory#description()}. */
final class ExecProvider implements DnsProvider {
  private static final int MAX_STDERR = 2000;
  private final String instance;
  private final Path command;
  private final Duration timeout;

  ExecProvider(String instance, Path command, Duration timeout) {
    this.instance = instance;
    this.command = command;
    this.timeout = timeout;
  }

  @Override
  public void present(TxtRecord record) throws DnsException {
    run("present", record);
  }

  @Override
  public void cleanUp(TxtRecord record) throws DnsException {
    run("cleanup", record);
  }

  private void run(String action, TxtRecord record) throws DnsException {
    ProcessBuilder pb = new ProcessBuilder(command.toString(), action, record.fqdn(), record.value())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    String domain = record.fqdn().replaceFirst("^_acme-challenge\\.", "").replaceFirst("\\.$", "");
    pb.environment().putAll(Map.of(
        "CERTFLEET_ACTION", action,
        "CERTFLEET_FQDN", record.fqdn(),
        "CERTFLEET_VALUE", record.value(),
        "CERTFLEET_ZONE", record.zone(),
        "CERTFLEET_TTL", Long.toString(record.ttl().toSeconds()),
        "CERTBOT_DOMAIN", domain,
        "CERTBOT_VALIDATION", record.value()));
    String where = "dns provider " + instance + " (exec " + command.getFileName() + "): " + action + " " + record;
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new DnsException(where + ": cannot start: " + e.getMessage(), e);
    }
    CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        throw new DnsException(where + ": killed after " + timeout.toSeconds() + " s" + tail(stderr));
      }
      if (p.exitValue() != 0) {
        throw new DnsException(where + ": exit status " + p.exitValue() + tail(stderr));
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new DnsException(where + ": interrupted", e);
    }
  }

  private static String tail(CompletableFuture<String> stderr) {
    try {
      String s = stderr.get(2, TimeUnit.SECONDS).strip();
      return s.isEmpty() ? "" : ": " + s;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    } catch (ExecutionException | TimeoutException e) {
      return "";
    }
  }

  private static String read(InputStream in) {
    try (in) {
      byte[] b = in.readNBytes(MAX_STDERR);
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return new String(b, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
