package org.certfleet.cert;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * What an operator needs to know about a leaf certificate, parsed once.
 *
 * @param serial lowercase hex, no leading zeros
 * @param sha256 lowercase hex SHA-256 of the DER encoding: the identity compared across store, nodes
 *     and what is served
 * @param sans the DNS names, lowercase
 */
public record CertFacts(String subject, String issuer, String serial, List<String> sans, Instant notBefore,
    Instant notAfter, String sha256, String keyDescription) {

  public CertFacts {
    sans = List.copyOf(sans);
  }

  public static CertFacts of(X509Certificate c) {
    List<String> names = new ArrayList<>();
    try {
      if (c.getSubjectAlternativeNames() != null) {
        for (List<?> san : c.getSubjectAlternativeNames()) {
          if (Integer.valueOf(2).equals(san.get(0))) {
            names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException("certificate SANs do not parse: " + e.getMessage(), e);
    }
    return new CertFacts(c.getSubjectX500Principal().getName(), c.getIssuerX500Principal().getName(),
        c.getSerialNumber().toString(16), names, c.getNotBefore().toInstant(), c.getNotAfter().toInstant(),
        sha256(c), describe(c));
  }

  public static String sha256(X509Certificate c) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot fingerprint certificate", e);
    }
  }

  public Duration lifetime() {
    return Duration.between(notBefore, notAfter);
  }

  private static String describe(X509Certificate c) {
    var key = c.getPublicKey();
    if (key instanceof ECKey ec) {
      return "EC P-" + ec.getParams().getCurve().getField().getFieldSize();
    }
    if (key instanceof RSAKey rsa) {
      return "RSA " + rsa.getModulus().bitLength();
    }
    return key.getAlgorithm();
  }
}
