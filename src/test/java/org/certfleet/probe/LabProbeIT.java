package org.certfleet.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.certfleet.testing.lab.Lab;
import org.certfleet.testing.lab.LabExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the lab's real nginx nodes serve, per SNI name. */
@ExtendWith(LabExtension.class)
class LabProbeIT {
  /**
   * Several names on one node, probed one after another: nginx offers session resumption, so this
   * fails if the prober ever resumes a session (it would report the first name's certificate).
   */
  @Test
  void everyNodeServesTheCertificateForEachNameAndItExpiresSoon(Lab lab) {
    JdkTlsProber prober = new JdkTlsProber(Clock.systemUTC());
    for (Lab.Node n : lab.nodes()) {
      for (String name : List.of("media.hachyderm.io", "hachyderm.io", "www.hachyderm.io", "files.hachyderm.io")) {
        ProbeResult r = prober.probe(new Endpoint(n.address(), n.httpsPort(), name), Duration.ofSeconds(3));

        assertThat(r.ok()).as(r.endpoint() + ": " + r.error()).isTrue();
        assertThat(r.leaf().orElseThrow().sans()).as(r.endpoint().toString()).contains(name);
        assertThat(r.leaf().orElseThrow().notAfter()).isBefore(Instant.now().plus(Duration.ofDays(6)));
      }
    }
  }

  /**
   * The inventory's pattern: many names of one node probed at once, over TLS 1.3 (the lab's nginx, as
   * Debian's stock config, offers it). The server's session tickets arrive after the handshake; with one
   * shared TLS context a few dozen of these 400 probes resumed another name's session and reported its
   * certificate.
   */
  @Test
  void concurrentProbesOfOneNodeOverTls13NeverSeeAnotherNamesCertificate(Lab lab) throws Exception {
    JdkTlsProber prober = new JdkTlsProber(Clock.systemUTC());
    Lab.Node n = lab.nodes().get(0);
    List<String> names = List.of("media.hachyderm.io", "hachyderm.io", "www.hachyderm.io", "files.hachyderm.io");
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
    List<java.util.concurrent.Future<ProbeResult>> probes = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 400; i++) {
        Endpoint e = new Endpoint(n.address(), n.httpsPort(), names.get(i % names.size()));
        probes.add(pool.submit(() -> prober.probe(e, Duration.ofSeconds(5))));
      }
      List<String> wrong = new java.util.ArrayList<>();
      for (java.util.concurrent.Future<ProbeResult> f : probes) {
        ProbeResult r = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.ok()).as(r.endpoint() + ": " + r.error()).isTrue();
        if (!r.leaf().orElseThrow().sans().contains(r.endpoint().sni())) {
          wrong.add(r.endpoint() + " got " + r.leaf().orElseThrow().sans());
        }
      }
      assertThat(wrong).isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aStoppedPortIsReportedAsRefused(Lab lab) {
    Lab.Node n = lab.nodes().get(0);

    ProbeResult r = new JdkTlsProber(Clock.systemUTC()).probe(new Endpoint(n.address(), 8444, "media.hachyderm.io"),
        Duration.ofSeconds(2));

    assertThat(r.error()).isEqualTo("media.hachyderm.io@" + n.address() + ":8444: connection refused");
  }
}
