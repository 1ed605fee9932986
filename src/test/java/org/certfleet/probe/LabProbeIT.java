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

  @Test
  void aStoppedPortIsReportedAsRefused(Lab lab) {
    Lab.Node n = lab.nodes().get(0);

    ProbeResult r = new JdkTlsProber(Clock.systemUTC()).probe(new Endpoint(n.address(), 8444, "media.hachyderm.io"),
        Duration.ofSeconds(2));

    assertThat(r.error()).isEqualTo("media.hachyderm.io@" + n.address() + ":8444: connection refused");
  }
}
