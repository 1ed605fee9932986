package org.certfleet.testing;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.certfleet.cert.CertificateBundle;

/**
 * Certificates made in tests: a CA, and leaves it signs with chosen names, validity and key type.
 * Uses Bouncy Castle's builders with the JDK's own providers.
 */
public final class TestCertificates {
  private final KeyPair caKey;
  private final X509Certificate ca;

  private TestCertificates(String caName) {
    this.caKey = ec("secp256r1");
    Instant now = Instant.now();
    this.ca = sign(caName, caName, caKey.getPublic(), caKey, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)),
        List.of(), true);
  }

  public static TestCertificates ca(String name) {
    return new TestCertificates(name);
  }

  public X509Certificate caCertificate() {
    return ca;
  }

  /** A leaf for {@code names} valid from now-1h for {@code validity}, with a fresh P-256 key. */
  public CertificateBundle leaf(Duration validity, String... names) {
    return leaf(ec("secp256r1"), Instant.now().minus(Duration.ofHours(1)), validity, names);
  }

  public CertificateBundle leaf(KeyPair key, Instant notBefore, Duration validity, String... names) {
    X509Certificate leaf = sign("CN=" + names[0], ca.getSubjectX500Principal().getName(), key.getPublic(), caKey,
        notBefore, notBefore.plus(validity), List.of(names), false);
    return new CertificateBundle(leaf, List.of(ca), key.getPrivate());
  }

  public static KeyPair ec(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair rsa(int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(bits);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(String subject, String issuer, java.security.PublicKey pub, KeyPair signer,
      Instant from, Instant to, List<String> names, boolean isCa) {
    try {
      String subjectDn = subject.contains("=") ? subject : "CN=" + subject;
      String issuerDn = issuer.contains("=") ? issuer : "CN=" + issuer;
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuerDn),
          new BigInteger(64, new SecureRandom()).add(BigInteger.ONE), Date.from(from), Date.from(to),
          new X500Name(subjectDn), pub);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pub));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(signer.getPublic()));
      if (!names.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(names.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
      }
      String alg = signer.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(signer.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException("cannot make test certificate for " + subject, e);
    }
  }
}
