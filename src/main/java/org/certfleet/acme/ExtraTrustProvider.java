package org.certfleet.acme;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * An acme4j provider for any RFC 8555 directory URL whose TLS is verified against the system's trust
 * store <em>plus</em> the CA certificates in one PEM file (a private or lab CA). Hostname
 * verification stays on.
 */
final class ExtraTrustProvider extends GenericAcmeProvider {
  private final SSLContext sslContext;

  ExtraTrustProvider(Path caFile) throws IOException, GeneralSecurityException {
    this.sslContext = sslContext(caFile);
  }

  @Override
  public HttpClient createHttpClient(NetworkSettings settings) {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(settings.getTimeout())
            .followRedirects(HttpClient.Redirect.NORMAL)
            .sslContext(sslContext)
            .proxy(settings.getProxySelector());
    if (settings.getAuthenticator() != null) {
      b.authenticator(settings.getAuthenticator());
    }
    return b.build();
  }

  private static SSLContext sslContext(Path caFile) throws IOException, GeneralSecurityException {
    KeyStore extra = KeyStore.getInstance(KeyStore.getDefaultType());
    extra.load(null, null);
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(caFile)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
    if (certs.isEmpty()) {
      throw new CertificateException(caFile + ": no PEM certificate found");
    }
    int i = 0;
    for (Certificate c : certs) {
      extra.setCertificateEntry("extra-" + i++, c);
    }
    X509TrustManager system = trustManager(null);
    X509TrustManager own = trustManager(extra);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new EitherTrustManager(system, own)}, null);
    return ctx;
  }

  private static X509TrustManager trustManager(KeyStore ks) throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X509TrustManager available");
  }

  /** Trusts a server chain that either the system store or the extra CAs accept. */
  private record EitherTrustManager(X509TrustManager first, X509TrustManager second) implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("client certificates are not accepted");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      try {
        first.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        try {
          second.checkServerTrusted(chain, authType);
        } catch (CertificateException e2) {
          e2.addSuppressed(e);
          throw e2;
        }
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      X509Certificate[] a = first.getAcceptedIssuers();
      X509Certificate[] b = second.getAcceptedIssuers();
      X509Certificate[] all = java.util.Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, all, a.length, b.length);
      return all;
    }
  }
}
