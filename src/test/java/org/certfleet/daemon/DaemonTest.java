package org.certfleet.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.certfleet.alert.AlertChannels;
import org.certfleet.cert.CertName;
import org.certfleet.config.ConfigLoader;
import org.certfleet.config.SecretResolver;
import org.certfleet.dns.DnsProviders;
import org.certfleet.dns.exec.ExecFactory;
import org.certfleet.operation.Toolkit;
import org.certfleet.store.FileCertificateStore;
import org.certfleet.store.StoreLock;
import org.certfleet.testing.acme.AcmeFake;
import org.certfleet.web.JobStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The daemon in-process against the ACME fake: start-up order, the state lock, reload, stop. */
@Timeout(120)
class DaemonTest {
  @TempDir Path dir;
  AcmeFake ca;
  Path config;
  int port;
  Daemon daemon;

  @BeforeEach
  void start() throws Exception {
    ca = AcmeFake.start(dir, Clock.systemUTC()).preValidate("media.hachyderm.io").preValidate("files.hachyderm.io");
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    config = dir.resolve("certs.yaml");
    write("media.hachyderm.io");
  }

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.stop();
    }
    ca.close();
  }

  void write(String... certs) throws Exception {
    StringBuilder list = new StringBuilder();
    for (String c : certs) {
      list.append("  - {name: ").append(c).append(", domains: [").append(c).append("], deploy-to: []}\n");
    }
    Files.writeString(config, """
        acme: {directory: "%s", email: ops@hachyderm.io, agree-to-terms: true, ca-certificates: "%s"}
        dns:
          providers:
            - {name: unused, type: exec, options: {command: /bin/false}}
        certificates:
        %snodes: []
        daemon: {listen: "127.0.0.1:%d", stop-timeout: 30s}
        state: {dir: "%s"}
        """.formatted(ca.directory(), ca.tlsCaFile(), list, port, dir.resolve("state")));
  }

  Daemon daemon() {
    ConfigLoader loader = new ConfigLoader(new DnsProviders(List.of(new ExecFactory(dir))), AlertChannels.standard());
    Toolkit kit = new Toolkit(new SecretResolver(k -> null), Clock.systemUTC(), d -> Thread.sleep(d.toMillis()),
        new DnsProviders(List.of(new ExecFactory(dir))));
    daemon = new Daemon(() -> loader.load(config), kit, SchedulerSetup.embedded());
    return daemon;
  }

  JobStatus job(String name) {
    return daemon.snapshot().jobs().stream().filter(j -> j.name().equals(name)).findFirst().orElse(null);
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void await(String what, Check check) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (!check.ok()) {
      assertThat(Instant.now()).as("waiting for: " + what).isBefore(deadline);
      Thread.sleep(100);
    }
  }

  @Test
  void startRunsTheCycleThenEveryRenewalCheckAndShowsTheJobsWithTheirNextRun() throws Exception {
    daemon().start();
    await("media.hachyderm.io issued", () -> FileCertificateStore.readOnly(dir.resolve("state"))
        .find(new CertName("media.hachyderm.io")).isPresent());
    await("the renewal job recorded", () -> job("renew:media.hachyderm.io").lastOutcome() != null
        && !job("renew:media.hachyderm.io").lastOutcome().equals("running"));
    assertThat(job("renew:media.hachyderm.io").lastOutcome()).startsWith("renewed: ");
    assertThat(job("watch").lastRun()).isBefore(job("renew:media.hachyderm.io").lastRun());
    assertThat(job("report").lastRun()).as("the report is not sent on every start").isNull();
    assertThat(job("report").nextRun()).isNotNull();
    assertThat(job("renew:media.hachyderm.io").nextRun()).isAfter(Instant.now());
    HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(Files.readString(dir.resolve("state/daemon.json"))).contains("\"watch\"", "renew:media.hachyderm.io");
  }

  @Test
  void jobsSkipWhileACommandHoldsTheStateLock() throws Exception {
    try (StoreLock cli = StoreLock.acquire(dir.resolve("state"), Clock.systemUTC())) {
      daemon().start();
      await("the renewal check ran", () -> job("renew:media.hachyderm.io").lastOutcome() != null
          && !job("renew:media.hachyderm.io").lastOutcome().equals("running"));
      assertThat(job("watch").lastOutcome()).startsWith("skipped: ");
      assertThat(job("renew:media.hachyderm.io").lastOutcome()).startsWith("skipped: ");
      assertThat(job("renew:media.hachyderm.io").nextRun()).as("retried a minute later")
          .isBetween(Instant.now().plusSeconds(30), Instant.now().plus(Daemon.LOCKED_RETRY).plusSeconds(5));
      assertThat(FileCertificateStore.readOnly(dir.resolve("state")).find(new CertName("media.hachyderm.io"))).isEmpty();
    }
  }

  @Test
  void anInvalidReloadKeepsTheRunningConfigAndAValidOneReschedules() throws Exception {
    daemon().start();
    Files.writeString(config, Files.readString(config).replace("nodes: []", "nodes: [[[["));
    assertThat(daemon.reload()).isFalse();
    assertThat(job("renew:media.hachyderm.io")).isNotNull();

    write("media.hachyderm.io", "files.hachyderm.io");
    assertThat(daemon.reload()).isTrue();
    assertThat(job("renew:files.hachyderm.io")).isNotNull();
    await("files.hachyderm.io issued after the reload", () -> FileCertificateStore.readOnly(dir.resolve("state"))
        .find(new CertName("files.hachyderm.io")).isPresent());
  }

  @Test
  void stopEndsTheSchedulerAndTheStatusServer() throws Exception {
    daemon().start();
    assertThat(daemon.snapshot().schedulerRunning()).isTrue();
    assertThat(daemon.stop()).isTrue();
    assertThat(daemon.snapshot().schedulerRunning()).isFalse();
    try (java.net.Socket s = new java.net.Socket()) {
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
          s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000))).isNotNull();
    }
    daemon = null;
  }
}
