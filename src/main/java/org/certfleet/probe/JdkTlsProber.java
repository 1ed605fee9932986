package org.certfleet.probe;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.certfleet.cert.CertFacts;
import org.jspecify.annotations.Nullable;

/**
 * Probes with the JDK's TLS client: connect with a timeout, a full handshake with SNI under the same
 * timeout (never a resumed session), keep the presented chain, close. No application data is sent or
 * accepted.
 *
 * <p>Every probe has a TLS context of its own. The JDK caches client sessions per address and port, not
 * per SNI name, and a resumed handshake carries no certificate: it reports the chain of the earlier one
 * (another name on the node, or the certificate before a reload). With TLS 1.3 a server sends its
 * session ticket after the handshake, the JDK may take it in while the socket closes, and concurrent
 * probes of one node then resumed each other's sessions (LabProbeIT). A context that is used once has
 * nothing to resume.
 */
public final class JdkTlsProber implements TlsProber {
  private final Clock clock;

  public JdkTlsProber(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    context(new ChainRecorder(null)); // fail at construction, not at the first probe, when the JDK has no TLS
  }

  private static SSLContext context(ChainRecorder recorder) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {recorder}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS implementation available", e);
    }
  }

  @Override
  public ProbeResult probe(Endpoint e, Duration timeout) {
    return probe(e, timeout, null);
  }

  @Override
  public ProbeResult probeAwaiting(Endpoint e, Duration timeout, String awaitedLeafSha256) {
    return probe(e, timeout, Objects.requireNonNull(awaitedLeafSha256, "awaitedLeafSha256"));
  }

  private ProbeResult probe(Endpoint e, Duration timeout, @Nullable String awaited) {
    Instant start = clock.instant();
    return attempt(e, timeout, awaited).result(e, start, clock);
  }

  /** One connection and handshake. */
  private static Attempt attempt(Endpoint e, Duration timeout, @Nullable String awaited) {
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    ChainRecorder recorder = new ChainRecorder(awaited);
    try (SSLSocket s = (SSLSocket) context(recorder).getSocketFactory().createSocket()) {
      s.connect(new InetSocketAddress(e.address(), e.port()), millis);
      s.setSoTimeout(millis);
      SSLParameters p = s.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName(e.sni())));
      s.setSSLParameters(p);
      try {
        s.startHandshake();
      } catch (SSLException ex) {
        if (recorder.unawaited) {
          // Ended on purpose after the certificate: see probeAwaiting.
          return new Attempt(recorder.chain, null);
        }
        throw ex;
      }
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate c : s.getSession().getPeerCertificates()) {
        chain.add((X509Certificate) c);
      }
      // Belt and braces with the context of its own: nothing of this session is offered again.
      s.getSession().invalidate();
      return new Attempt(chain, null);
    } catch (ConnectException ex) {
      return new Attempt(List.of(), "connection refused");
    } catch (SocketTimeoutException ex) {
      return new Attempt(List.of(), "no answer within " + timeout.toMillis() + " ms");
    } catch (SSLException ex) {
      return new Attempt(List.of(), "TLS handshake failed: " + ex.getMessage());
    } catch (IOException | IllegalArgumentException ex) {
      return new Attempt(List.of(), ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage()));
    }
  }

  /** What one connection saw; {@code error} null when a chain was seen. */
  private record Attempt(List<X509Certificate> chain, @Nullable String error) {
    ProbeResult result(Endpoint e, Instant start, Clock clock) {
      Duration took = Duration.between(start, clock.instant());
      return error == null ? new ProbeResult(e, chain, null, took) : new ProbeResult(e, List.of(), e + ": " + error, took);
    }
  }

  /**
   * Accepts any server chain so that it can be recorded as presented: a probe must see an expired or
   * mismatched certificate, not a handshake failure. Nothing is sent over the connection; whether the
   * chain is trustworthy is checked separately on the recorded certificates. With an awaited leaf, any
   * other leaf ends the handshake here, before the server's signature over it is checked.
   */
  private static final class ChainRecorder implements X509TrustManager {
    private final @Nullable String awaited;
    volatile List<X509Certificate> chain = List.of();
    volatile boolean unawaited;

    ChainRecorder(@Nullable String awaited) {
      this.awaited = awaited;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("a prober is never a server");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType) throws CertificateException {
      chain = List.of(presented);
      if (awaited != null && presented.length > 0 && !awaited.equals(CertFacts.sha256(presented[0]))) {
        unawaited = true;
        throw new CertificateException("not the awaited certificate");
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
