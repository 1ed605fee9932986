package org.certfleet.testing;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;
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
 * Certificates made in tests: a root CA, optionally an intermediate under it, and leaves with chosen
 * DNS names, validity and key type (EC P-256/P-384, RSA, Ed25519). Built with Bouncy Castle's
 * builders on the JDK's own providers, so nothing is registered globally.
 *
 * <pre>{@code
 * TestCertificates ca = TestCertificates.ca("test root").intermediate("test R1");
 * CertificateBundle b = ca.leaf(Duration.ofDays(90), "media.example", "files.example");
 * CertificateBundle rsa = ca.leaf(TestCertificates.rsa(2048), notBefore, Duration.ofDays(6), "a.example");
 * }</pre>
 *
 * Leaves get {@link #chain()} as their chain: the issuing CA's certificate, as an ACME CA sends it.
 * Instances are immutable and safe to share between tests.
 */
public final class TestCertificates {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyPair caKey;
  private final X509Certificate ca;

  private TestCertificates(KeyPair caKey, X509Certificate ca) {
    this.caKey = caKey;
    this.ca = ca;
  }

  /** A self-signed root CA with a P-256 key, valid from a day ago for a year. */
  public static TestCertificates ca(String name) {
    KeyPair key = ecP256();
    Instant from = Instant.now().minus(Duration.ofDays(1));
    return new TestCertificates(key, build("CN=" + name, "CN=" + name, key.getPublic(), key, from,
        from.plus(Duration.ofDays(366)), List.of(), true));
  }

  /** A CA signed by this one; its leaves carry the intermediate (not the root) as their chain. */
  public TestCertificates intermediate(String name) {
    KeyPair key = ecP256();
    return new TestCertificates(key, build("CN=" + name, dn(ca), key.getPublic(), caKey,
        ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant(), List.of(), true));
  }

  public X509Certificate caCertificate() {
    return ca;
  }

  /** What leaves of this CA are bundled with: the CA's own certificate. */
  public List<X509Certificate> chain() {
    return List.of(ca);
  }

  /** A leaf for {@code names} valid from an hour ago for {@code validity}, with a fresh P-256 key. */
  public CertificateBundle leaf(Duration validity, String... names) {
    return leaf(ecP256(), Instant.now().minus(Duration.ofHours(1)), validity, names);
  }

  /** A leaf for {@code names} with the given key and validity period; the first name is the CN. */
  public CertificateBundle leaf(KeyPair key, Instant notBefore, Duration validity, String... names) {
    return new CertificateBundle(certificate(key.getPublic(), notBefore, validity, List.of(names)), chain(),
        key.getPrivate());
  }

  /**
   * A raw leaf certificate, not checked in any way: for tests of what the code refuses (no names, a
   * key that belongs elsewhere). The CN is the first name, or {@code no-san} when there is none.
   */
  public X509Certificate certificate(PublicKey subjectKey, Instant notBefore, Duration validity, List<String> dnsNames) {
    String cn = dnsNames.isEmpty() ? "no-san" : dnsNames.get(0);
    return build("CN=" + cn, dn(ca), subjectKey, caKey, notBefore, notBefore.plus(validity), dnsNames, false);
  }

  /** A self-signed leaf: its chain is empty. */
  public static CertificateBundle selfSigned(KeyPair key, Instant notBefore, Duration validity, String... names) {
    X509Certificate c = build("CN=" + names[0], "CN=" + names[0], key.getPublic(), key, notBefore,
        notBefore.plus(validity), List.of(names), false);
    return new CertificateBundle(c, List.of(), key.getPrivate());
  }

  /**
   * Whether two private keys are the same key, whatever their encoding (providers differ in whether an
   * EC key's PKCS#8 form repeats the curve parameters inside).
   */
  public static boolean sameKey(java.security.PrivateKey a, java.security.PrivateKey b) {
    if (a instanceof java.security.interfaces.ECPrivateKey x && b instanceof java.security.interfaces.ECPrivateKey y) {
      return x.getS().equals(y.getS()) && x.getParams().getCurve().equals(y.getParams().getCurve());
    }
    if (a instanceof java.security.interfaces.RSAPrivateKey x && b instanceof java.security.interfaces.RSAPrivateKey y) {
      return x.getModulus().equals(y.getModulus()) && x.getPrivateExponent().equals(y.getPrivateExponent());
    }
    return java.util.Arrays.equals(a.getEncoded(), b.getEncoded());
  }

  /** Whether two public keys are the same key, whatever their encoding. */
  public static boolean sameKey(java.security.PublicKey a, java.security.PublicKey b) {
    if (a instanceof java.security.interfaces.ECPublicKey x && b instanceof java.security.interfaces.ECPublicKey y) {
      return x.getW().equals(y.getW()) && x.getParams().getCurve().equals(y.getParams().getCurve());
    }
    if (a instanceof java.security.interfaces.RSAPublicKey x && b instanceof java.security.interfaces.RSAPublicKey y) {
      return x.getModulus().equals(y.getModulus()) && x.getPublicExponent().equals(y.getPublicExponent());
    }
    return java.util.Arrays.equals(a.getEncoded(), b.getEncoded());
  }

  public static KeyPair ecP256() {
    return ec("secp256r1");
  }

  public static KeyPair ecP384() {
    return ec("secp384r1");
  }

  public static KeyPair ec(String curve) {
    return generate("EC", g -> g.initialize(new ECGenParameterSpec(curve)));
  }

  public static KeyPair rsa(int bits) {
    return generate("RSA", g -> g.initialize(bits));
  }

  public static KeyPair ed25519() {
    return generate("Ed25519", g -> g.initialize(NamedParameterSpec.ED25519));
  }

  private interface Init {
    void apply(KeyPairGenerator g) throws GeneralSecurityException;
  }

  private static KeyPair generate(String algorithm, Init init) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      init.apply(g);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + algorithm + " test key", e);
    }
  }

  private static String dn(X509Certificate c) {
    return c.getSubjectX500Principal().getName();
  }

  private static X509Certificate build(String subject, String issuer, PublicKey pub, KeyPair signer, Instant from,
      Instant to, List<String> names, boolean isCa) {
    try {
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
          new BigInteger(64, RANDOM).add(BigInteger.ONE), Date.from(from), Date.from(to), new X500Name(subject), pub);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pub));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(signer.getPublic()));
      if (!names.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(names.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
      }
      String alg = switch (signer.getPrivate().getAlgorithm()) {
        case "RSA" -> "SHA256withRSA";
        case "EC" -> "SHA256withECDSA";
        default -> "Ed25519";
      };
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(signer.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException("cannot make test certificate for " + subject, e);
    }
  }
}
