package org.certfleet.cert;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.certfleet.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CertificateBundleTest {
  static final TestCertificates CA = TestCertificates.ca("certfleet test CA");
  static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");

  static Stream<Arguments> keyTypes() {
    return Stream.of(Arguments.of(TestCertificates.ecP256(), "EC P-256"), Arguments.of(TestCertificates.ecP384(), "EC P-384"),
        Arguments.of(TestCertificates.rsa(2048), "RSA 2048"), Arguments.of(TestCertificates.ed25519(), "Ed25519"));
  }

  @ParameterizedTest
  @MethodSource("keyTypes")
  void roundTripsThroughPemForEveryKeyType(KeyPair key, String description) {
    CertificateBundle b = CA.leaf(key, FROM, Duration.ofDays(90), "media.hachyderm.io", "files.hachyderm.io");

    CertificateBundle again = CertificateBundle.parse(b.fullchainPem(), b.privkeyPem());

    assertThat(new String(b.privkeyPem(), US_ASCII)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(again.leaf()).isEqualTo(b.leaf());
    assertThat(again.chain()).containsExactly(CA.caCertificate());
    assertThat(CertificateBundle.matches(again.privateKey(), key.getPublic())).isTrue();
    assertThat(again.facts().keyDescription()).isEqualTo(description);
  }

  @Test
  void rendersCertbotsFourFiles() {
    TestCertificates r1 = CA.intermediate("certfleet test R1");
    CertificateBundle b = r1.leaf(Duration.ofDays(90), "media.hachyderm.io");

    assertThat(Pem.certificates(b.certPem())).containsExactly(b.leaf());
    assertThat(Pem.certificates(b.chainPem())).containsExactly(r1.caCertificate());
    assertThat(Pem.certificates(b.fullchainPem())).containsExactly(b.leaf(), r1.caCertificate());
    assertThat(new String(b.fullchainPem(), US_ASCII))
        .isEqualTo(new String(b.certPem(), US_ASCII) + new String(b.chainPem(), US_ASCII));
  }

  @Test
  void parsesCertbotsSeparateCertAndChain() {
    CertificateBundle b = CA.leaf(Duration.ofDays(90), "media.hachyderm.io");

    assertThat(CertificateBundle.parse(b.certPem(), b.chainPem(), b.privkeyPem())).isEqualTo(b);
    assertThatThrownBy(() -> CertificateBundle.parse(b.fullchainPem(), b.chainPem(), b.privkeyPem()))
        .hasMessage("cert: expected exactly one certificate, found 2");
  }

  @Test
  void acceptsASelfSignedLeafWithoutChain() {
    CertificateBundle b = TestCertificates.selfSigned(TestCertificates.ecP256(), FROM, Duration.ofDays(1), "a.example");

    assertThat(CertificateBundle.parse(b.fullchainPem(), b.privkeyPem()).chain()).isEmpty();
    assertThat(b.chainPem()).isEmpty();
  }

  @Test
  void refusesAKeyThatDoesNotMatchNamingTheLeaf() {
    CertificateBundle a = CA.leaf(Duration.ofDays(90), "a.hachyderm.io");
    CertificateBundle b = CA.leaf(Duration.ofDays(90), "b.hachyderm.io");

    assertThatThrownBy(() -> CertificateBundle.parse(a.fullchainPem(), b.privkeyPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the private key does not match the certificate's public key (leaf serial "
            + a.leaf().getSerialNumber().toString(16) + ", subject CN=a.hachyderm.io)");
  }

  @Test
  void refusesAKeyOfAnotherAlgorithmOrCurve() {
    CertificateBundle ec = CA.leaf(Duration.ofDays(90), "a.hachyderm.io");

    assertThatThrownBy(() -> new CertificateBundle(ec.leaf(), ec.chain(), TestCertificates.rsa(2048).getPrivate()))
        .hasMessageStartingWith("the private key (RSA) does not match the certificate's public key (EC)");
    assertThatThrownBy(() -> new CertificateBundle(ec.leaf(), ec.chain(), TestCertificates.ecP384().getPrivate()))
        .hasMessageStartingWith("the private key does not match the certificate's public key (leaf serial");
    assertThatThrownBy(() -> new CertificateBundle(ec.leaf(), ec.chain(), TestCertificates.ed25519().getPrivate()))
        .hasMessageStartingWith("the private key (EdDSA) does not match");
  }

  @Test
  void refusesALeafWithoutDnsNames() {
    KeyPair key = TestCertificates.ecP256();

    assertThatThrownBy(() -> new CertificateBundle(CA.certificate(key.getPublic(), FROM, Duration.ofDays(1), List.of()),
        CA.chain(), key.getPrivate()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the certificate has no DNS subjectAltName (leaf serial ");
  }

  @Test
  void refusesAChainThatDidNotSignTheLeaf() {
    TestCertificates other = TestCertificates.ca("another CA");
    CertificateBundle b = CA.leaf(Duration.ofDays(90), "a.hachyderm.io");

    assertThatThrownBy(() -> new CertificateBundle(b.leaf(), other.chain(), b.privateKey()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the chain does not start with the leaf's issuer: serial "
            + other.caCertificate().getSerialNumber().toString(16) + ", subject CN=another CA did not sign the leaf");
  }

  @Test
  void saysSoWhenTheFullchainIsNotLeafFirst() {
    CertificateBundle b = CA.leaf(Duration.ofDays(90), "a.hachyderm.io");
    byte[] reversed = (new String(b.chainPem(), US_ASCII) + new String(b.certPem(), US_ASCII)).getBytes(US_ASCII);

    assertThatThrownBy(() -> CertificateBundle.parse(reversed, b.privkeyPem()))
        .hasMessageStartingWith("fullchain: not in leaf-first order: the private key belongs to certificate 2 (serial");
  }

  @Test
  void namesThePartThatDoesNotParse() {
    CertificateBundle a = CA.leaf(Duration.ofDays(90), "a.hachyderm.io");

    assertThatThrownBy(() -> CertificateBundle.parse("nothing".getBytes(US_ASCII), a.privkeyPem()))
        .hasMessage("fullchain: contains no certificate");
    assertThatThrownBy(() -> CertificateBundle.parse(a.fullchainPem(), a.certPem()))
        .hasMessage("privkey: found a certificate where a private key was expected");
    assertThatThrownBy(() -> CertificateBundle.parse(a.privkeyPem(), a.privkeyPem()))
        .hasMessage("fullchain: PEM block 1 is a private key, expected only certificates");
  }

  @Test
  void toStringShowsNoKeyMaterial() {
    CertificateBundle a = CA.leaf(Duration.ofDays(90), "a.hachyderm.io");
    String body = new String(a.privkeyPem(), US_ASCII).lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();

    assertThat(a.toString())
        .isEqualTo("CertificateBundle[serial " + a.leaf().getSerialNumber().toString(16)
            + ", subject CN=a.hachyderm.io, 1 intermediate(s), EC key]")
        .doesNotContain(body.substring(0, 16))
        .doesNotContain(Base64.getEncoder().encodeToString(a.privateKey().getEncoded()).substring(0, 16));
  }
}
