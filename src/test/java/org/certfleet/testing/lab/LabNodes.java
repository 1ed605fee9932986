package org.certfleet.testing.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.certfleet.probe.Endpoint;
import org.certfleet.probe.JdkTlsProber;
import org.certfleet.probe.ProbeResult;

/** Puts the lab's nodes back the way lab.sh started them, for tests that deploy to them. */
public final class LabNodes {
  private LabNodes() {}

  /**
   * Points every node's live/ links back at the lab's version 1, removes later versions, reloads
   * nginx and waits until the initial certificates are served again.
   */
  public static void resetCertificates(Lab lab) throws Exception {
    JdkTlsProber prober = new JdkTlsProber(Clock.systemUTC());
    for (Lab.Node n : lab.nodes()) {
      boolean changed = false;
      for (String cert : lab.certificates()) {
        Path archive = n.baseDir().resolve("archive/" + cert);
        try (Stream<Path> files = Files.list(archive)) {
          for (Path f : files.toList()) {
            if (!f.getFileName().toString().matches("(cert|chain|fullchain|privkey)1\\.pem")) {
              Files.delete(f);
              changed = true;
            }
          }
        }
        for (String kind : List.of("cert", "chain", "fullchain", "privkey")) {
          Path link = n.baseDir().resolve("live/" + cert + "/" + kind + ".pem");
          Path target = Path.of("../../archive/" + cert + "/" + kind + "1.pem");
          if (!Files.isSymbolicLink(link) || !Files.readSymbolicLink(link).equals(target)) {
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, target);
            changed = true;
          }
        }
      }
      if (changed) {
        Process p = new ProcessBuilder(n.reloadCommand().split(" ")).inheritIO().start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      }
    }
    Instant deadline = Instant.now().plusSeconds(15);
    for (Lab.Node n : lab.nodes()) {
      for (String cert : lab.certificates()) {
        while (true) {
          ProbeResult r = prober.probe(new Endpoint(n.address(), n.httpsPort(), cert), Duration.ofSeconds(3));
          boolean initial = r.leaf().map(l -> l.notAfter().isBefore(Instant.now().plus(Duration.ofDays(6)))).orElse(false);
          if (initial) {
            break;
          }
          assertThat(Instant.now()).as("%s on %s back to the initial certificate", cert, n.name()).isBefore(deadline);
          Thread.sleep(100);
        }
      }
    }
  }

  /**
   * Gives every node a self-signed certificate for {@code cert} with {@code left} to live of a 90-day
   * lifetime, as archive version 2 behind the live/ links, reloads nginx and waits until it is served.
   * {@link #resetCertificates} undoes it.
   */
  public static void installExpiring(Lab lab, String cert, Duration left) throws Exception {
    Duration lifetime = Duration.ofDays(90);
    Instant notBefore = Instant.now().minus(lifetime.minus(left));
    JdkTlsProber prober = new JdkTlsProber(Clock.systemUTC());
    for (Lab.Node n : lab.nodes()) {
      org.certfleet.cert.CertificateBundle b = org.certfleet.testing.TestCertificates.selfSigned(
          org.certfleet.testing.TestCertificates.ecP256(), notBefore, lifetime, cert);
      Path archive = n.baseDir().resolve("archive/" + cert);
      Files.write(archive.resolve("cert2.pem"), b.certPem());
      Files.write(archive.resolve("chain2.pem"), b.certPem());
      Files.write(archive.resolve("fullchain2.pem"), b.fullchainPem());
      Path key = archive.resolve("privkey2.pem");
      Files.createFile(key, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      Files.write(key, b.privkeyPem());
      for (String kind : List.of("cert", "chain", "fullchain", "privkey")) {
        Path link = n.baseDir().resolve("live/" + cert + "/" + kind + ".pem");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of("../../archive/" + cert + "/" + kind + "2.pem"));
      }
      Process p = new ProcessBuilder(n.reloadCommand().split(" ")).inheritIO().start();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      String serial = b.facts().serial();
      Instant deadline = Instant.now().plusSeconds(15);
      while (!prober.probe(new Endpoint(n.address(), n.httpsPort(), cert), Duration.ofSeconds(3)).leaf()
          .map(l -> l.serial().equals(serial)).orElse(false)) {
        assertThat(Instant.now()).as("%s on %s serves the expiring certificate", cert, n.name()).isBefore(deadline);
        Thread.sleep(100);
      }
    }
  }
}
