package org.certfleet.cert;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.certfleet.testing.TestCertificates;
import org.junit.jupiter.api.Test;

class CertFactsTest {
  static final TestCertificates CA = TestCertificates.ca("certfleet test CA");
  static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");

  @Test
  void readsTheFactsOfALeaf() throws Exception {
    CertificateBundle b = CA.leaf(TestCertificates.ecP384(), FROM, Duration.ofDays(90), "media.hachyderm.io",
        "Files.Hachyderm.IO");

    CertFacts f = CertFacts.of(b.leaf());

    assertThat(f.subject()).isEqualTo("CN=media.hachyderm.io");
    assertThat(f.issuer()).isEqualTo("CN=certfleet test CA");
    assertThat(f.serial()).isEqualTo(b.leaf().getSerialNumber().toString(16)).doesNotStartWith("0");
    assertThat(f.sans()).containsExactly("media.hachyderm.io", "files.hachyderm.io");
    assertThat(f.notBefore()).isEqualTo(FROM);
    assertThat(f.notAfter()).isEqualTo(FROM.plus(Duration.ofDays(90)));
    assertThat(f.lifetime()).isEqualTo(Duration.ofDays(90));
    assertThat(f.keyDescription()).isEqualTo("EC P-384");
    // The fingerprint of the DER between the PEM armour, computed independently of getEncoded().
    String base64 = new String(b.certPem(), US_ASCII).lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
    byte[] der = Base64.getDecoder().decode(base64);
    assertThat(f.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der)));
    // The AKI is the CA's own subject key identifier.
    byte[] ski = SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(
        CA.caCertificate().getExtensionValue(Extension.subjectKeyIdentifier.getId())).getOctets()).getKeyIdentifier();
    assertThat(f.authorityKeyId()).isEqualTo(HexFormat.of().formatHex(ski)).hasSize(40);
  }

  @Test
  void describesRsaAndEd25519Keys() {
    assertThat(CA.leaf(TestCertificates.rsa(3072), FROM, Duration.ofDays(1), "a.example").facts().keyDescription())
        .isEqualTo("RSA 3072");
    assertThat(CA.leaf(TestCertificates.ed25519(), FROM, Duration.ofDays(1), "a.example").facts().keyDescription())
        .isEqualTo("Ed25519");
  }

  @Test
  void aCertificateWithoutAkiHasNone() throws Exception {
    KeyPair kp = TestCertificates.ecP256();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=bare"), BigInteger.valueOf(255),
        Date.from(FROM), Date.from(FROM.plus(Duration.ofDays(1))), new X500Name("CN=bare"), kp.getPublic());
    builder.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, "bare.example")));
    X509Certificate bare = new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));

    CertFacts f = CertFacts.of(bare);

    assertThat(f.authorityKeyId()).isNull();
    assertThat(f.serial()).isEqualTo("ff");
    assertThat(f.sans()).isEqualTo(List.of("bare.example"));
  }
}
