package org.certfleet.cert;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.jspecify.annotations.Nullable;

/**
 * What an operator needs to know about a leaf certificate, parsed once.
 *
 * @param subject RFC 2253 form, e.g. {@code CN=media.hachyderm.io}
 * @param serial lowercase hex, no leading zeros
 * @param sans the DNS names, lowercase, in certificate order
 * @param sha256 lowercase hex SHA-256 of the DER encoding: the identity compared across store, nodes
 *     and what is served
 * @param keyDescription e.g. {@code EC P-256}, {@code RSA 2048}, {@code Ed25519}
 * @param authorityKeyId lowercase hex key identifier of the issuer's key, null when the certificate has
 *     none; with {@code serial} it forms the ACME renewal-information (ARI) certificate id
 */
public record CertFacts(String subject, String issuer, String serial, List<String> sans, Instant notBefore,
    Instant notAfter, String sha256, String keyDescription, @Nullable String authorityKeyId) {

  public CertFacts {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(serial, "serial");
    Objects.requireNonNull(notBefore, "notBefore");
    Objects.requireNonNull(notAfter, "notAfter");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(keyDescription, "keyDescription");
    sans = List.copyOf(sans);
  }

  /**
   * Reads the facts of {@code c}.
   *
   * @throws IllegalArgumentException when an extension this needs does not parse
   */
  public static CertFacts of(X509Certificate c) {
    return new CertFacts(c.getSubjectX500Principal().getName(), c.getIssuerX500Principal().getName(),
        c.getSerialNumber().toString(16), dnsNames(c), c.getNotBefore().toInstant(), c.getNotAfter().toInstant(),
        sha256(c), describe(c.getPublicKey()), authorityKeyId(c));
  }

  /** Lowercase hex SHA-256 of {@code c}'s DER encoding. */
  public static String sha256(X509Certificate c) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot fingerprint certificate serial " + c.getSerialNumber().toString(16), e);
    }
  }

  /** The DNS subjectAltNames of {@code c}, lowercase; other name types (IP, e-mail) are left out. */
  static List<String> dnsNames(X509Certificate c) {
    List<String> names = new ArrayList<>();
    try {
      var all = c.getSubjectAlternativeNames();
      if (all != null) {
        for (List<?> san : all) {
          if (Integer.valueOf(2).equals(san.get(0))) {
            names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException("subjectAltName of certificate serial " + c.getSerialNumber().toString(16)
          + " does not parse: " + e.getMessage(), e);
    }
    return names;
  }

  public Duration lifetime() {
    return Duration.between(notBefore, notAfter);
  }

  private static @Nullable String authorityKeyId(X509Certificate c) {
    byte[] ext = c.getExtensionValue(Extension.authorityKeyIdentifier.getId());
    if (ext == null) {
      return null;
    }
    try {
      // getExtensionValue gives the extnValue OCTET STRING, which wraps the DER of the extension.
      byte[] id = AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getKeyIdentifierOctets();
      return id == null ? null : HexFormat.of().formatHex(id);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("authorityKeyIdentifier of certificate serial "
          + c.getSerialNumber().toString(16) + " does not parse: " + e.getMessage(), e);
    }
  }

  static String describe(PublicKey key) {
    if (key instanceof ECKey ec) {
      return "EC P-" + ec.getParams().getCurve().getField().getFieldSize();
    }
    if (key instanceof RSAKey rsa) {
      return "RSA " + rsa.getModulus().bitLength();
    }
    if (key instanceof EdECKey ed) {
      return ed.getParams().getName();
    }
    return key.getAlgorithm();
  }
}
