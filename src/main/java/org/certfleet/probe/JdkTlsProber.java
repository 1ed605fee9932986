package org.certfleet.probe;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
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

/**
 * Probes with the JDK's TLS client: connect with a timeout, a full handshake with SNI under the same
 * timeout (never a resumed session), keep the presented chain, close. No application data is sent or
 * accepted.
 *
 * <p>Every probe has a TLS context of its own. The JDK caches client sessions per address and port, not
 * per SNI name, and a resumed handshake carries no certificate: it reports the chain of the earlier one
 * (another name on the node, or the certificate before a reload). With TLS 1.2 invalidating the session
 * after the handshake was enough; a TLS 1.3 server sends its session ticket after the handshake, the
 * JDK may take it in while the socket closes, and concurrent probes of one node then resumed each
 * other's sessions (LabProbeIT). A context that is used once has nothing to resume.
 */
public final class JdkTlsProber implements TlsProber {
  private final Clock clock;

  public JdkTlsProber(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    context(); // fail at construction, not at the first probe, when the JDK has no TLS
  }

  private static SSLContext context() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new ChainRecorder()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS implementation available", e);
    }
  }

  @Override
  public ProbeResult probe(Endpoint e, Duration timeout) {
    Instant start = clock.instant();
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    try (SSLSocket s = (SSLSocket) context().getSocketFactory().createSocket()) {
      s.connect(new InetSocketAddress(e.address(), e.port()), millis);
      s.setSoTimeout(millis);
      SSLParameters p = s.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName(e.sni())));
      s.setSSLParameters(p);
      s.startHandshake();
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate c : s.getSession().getPeerCertificates()) {
        chain.add((X509Certificate) c);
      }
      // Belt and braces with the context of its own: nothing of this session is offered again.
      s.getSession().invalidate();
      return new ProbeResult(e, chain, null, Duration.between(start, clock.instant()));
    } catch (ConnectException ex) {
      return failed(e, start, "connection refused");
    } catch (SocketTimeoutException ex) {
      return failed(e, start, "no answer within " + timeout.toMillis() + " ms");
    } catch (SSLException ex) {
      return failed(e, start, "TLS handshake failed: " + ex.getMessage());
    } catch (IOException | IllegalArgumentException ex) {
      return failed(e, start, ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage()));
    }
  }

  private ProbeResult failed(Endpoint e, Instant start, String error) {
    return new ProbeResult(e, List.of(), e + ": " + error, Duration.between(start, clock.instant()));
  }

  /**
   * Accepts any server chain so that it can be recorded as presented: a probe must see an expired or
   * mismatched certificate, not a handshake failure. Nothing is sent over the connection; whether the
   * chain is trustworthy is checked separately on the recorded certificates.
   */
  private static final class ChainRecorder implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("a prober is never a server");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      // Recording only; see the class comment.
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
