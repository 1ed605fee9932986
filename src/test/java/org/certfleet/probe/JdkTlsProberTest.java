package org.certfleet.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.testing.TestCertificates;
import org.junit.jupiter.api.Test;

class JdkTlsProberTest {
  static final TestCertificates CA = TestCertificates.ca("certfleet test CA");
  final JdkTlsProber prober = new JdkTlsProber(Clock.systemUTC());

  /** A one-certificate TLS server on 127.0.0.1 that records the SNI names clients ask for. */
  static final class Server implements AutoCloseable {
    final SSLServerSocket socket;
    final List<String> sni = new CopyOnWriteArrayList<>();
    final Thread thread;

    Server(CertificateBundle bundle) throws Exception {
      this(bundle, 0);
    }

    Server(CertificateBundle bundle, int port) throws Exception {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("k", bundle.privateKey(), new char[0], new Certificate[] {bundle.leaf(), CA.caCertificate()});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      socket = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10);
      thread = new Thread(() -> {
        while (!socket.isClosed()) {
          try (SSLSocket s = (SSLSocket) socket.accept()) {
            s.setSoTimeout(2000);
            s.startHandshake();
            ((ExtendedSSLSession) s.getSession()).getRequestedServerNames()
                .forEach(n -> sni.add(((SNIHostName) n).getAsciiName()));
          } catch (IOException e) {
            // next client
          }
        }
      });
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void recordsTheServedChainAndSendsTheName() throws Exception {
    CertificateBundle b = CA.leaf(Duration.ofDays(90), "media.hachyderm.io");
    try (Server server = new Server(b)) {
      ProbeResult r = prober.probe(new Endpoint("127.0.0.1", server.port(), "media.hachyderm.io"), Duration.ofSeconds(3));

      assertThat(r.ok()).as(String.valueOf(r.error())).isTrue();
      assertThat(r.leaf().orElseThrow().sha256()).isEqualTo(b.facts().sha256());
      assertThat(r.chain()).hasSize(2);
      // With TLS 1.3 the client is done before the server has read its Finished: give the server a moment.
      long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (server.sni.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(server.sni).contains("media.hachyderm.io");
    }
  }

  @Test
  void anExpiredCertificateIsStillRecorded() throws Exception {
    CertificateBundle expired = CA.leaf(TestCertificates.ec("secp256r1"), Instant.now().minus(Duration.ofDays(100)),
        Duration.ofDays(90), "media.hachyderm.io");
    try (Server server = new Server(expired)) {
      ProbeResult r = prober.probe(new Endpoint("127.0.0.1", server.port(), "media.hachyderm.io"), Duration.ofSeconds(3));

      assertThat(r.ok()).isTrue();
      assertThat(r.leaf().orElseThrow().notAfter()).isBefore(Instant.now());
    }
  }

  @Test
  void aRefusedConnectionIsAResultNotAnException() throws Exception {
    int free;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      free = s.getLocalPort();
    }

    ProbeResult r = prober.probe(new Endpoint("127.0.0.1", free, "x.example"), Duration.ofSeconds(2));

    assertThat(r.ok()).isFalse();
    assertThat(r.error()).isEqualTo("x.example@127.0.0.1:" + free + ": connection refused");
  }

  @Test
  void aServerThatNeverAnswersTimesOutWithinTheBound() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread accept = new Thread(() -> {
        try (Socket s = silent.accept()) {
          Thread.sleep(5000);
        } catch (IOException | InterruptedException e) {
          // test over
        }
      });
      accept.setDaemon(true);
      accept.start();

      ProbeResult r = prober.probe(new Endpoint("127.0.0.1", silent.getLocalPort(), "x.example"), Duration.ofMillis(500));

      assertThat(r.error()).endsWith("no answer within 500 ms");
      assertThat(r.took()).isLessThan(Duration.ofSeconds(3));
    }
  }
}
