package org.certfleet.cert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.certfleet.testing.TestCertificates;
import org.junit.jupiter.api.Test;

class CertificateBundleTest {
  static final TestCertificates CA = TestCertificates.ca("certfleet test CA");

  @Test
  void roundTripsThroughPemWithPkcs8Keys() {
    CertificateBundle b = CA.leaf(Duration.ofDays(90), "media.hachyderm.io", "files.hachyderm.io");

    CertificateBundle again = CertificateBundle.parse(b.fullchainPem(), b.privkeyPem());

    assertThat(new String(b.privkeyPem(), StandardCharsets.US_ASCII)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(again.leaf()).isEqualTo(b.leaf());
    assertThat(again.chain()).containsExactly(CA.caCertificate());
    assertThat(again.facts().sans()).containsExactly("media.hachyderm.io", "files.hachyderm.io");
    assertThat(again.facts().sha256()).hasSize(64).isEqualTo(b.facts().sha256());
    assertThat(again.facts().keyDescription()).isEqualTo("EC P-256");
  }

  @Test
  void readsTraditionalEcAndRsaKeysToo() throws Exception {
    var rsa = TestCertificates.rsa(2048);
    CertificateBundle b = CA.leaf(rsa, Instant.now(), Duration.ofDays(30), "hachyderm.io");
    // The traditional "BEGIN RSA PRIVATE KEY" form, as older tools write it.
    var sw = new java.io.StringWriter();
    try (var w = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(sw)) {
      w.writeObject(rsa.getPrivate());
    }
    assertThat(sw.toString()).startsWith("-----BEGIN RSA PRIVATE KEY-----");

    CertificateBundle again = CertificateBundle.parse(b.fullchainPem(), sw.toString().getBytes(StandardCharsets.US_ASCII));

    assertThat(again.facts().keyDescription()).isEqualTo("RSA 2048");
  }

  @Test
  void refusesAKeyThatDoesNotMatch() {
    CertificateBundle a = CA.leaf(Duration.ofDays(90), "a.hachyderm.io");
    CertificateBundle b = CA.leaf(Duration.ofDays(90), "b.hachyderm.io");

    assertThatThrownBy(() -> CertificateBundle.parse(a.fullchainPem(), b.privkeyPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the private key does not match the certificate's public key (leaf serial ");
    assertThatThrownBy(() -> new CertificateBundle(a.leaf(), List.of(), TestCertificates.rsa(2048).getPrivate()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesGarbageWithoutEchoingIt() {
    CertificateBundle a = CA.leaf(Duration.ofDays(90), "a.hachyderm.io");
    byte[] notAKey = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> CertificateBundle.parse(a.fullchainPem(), notAKey))
        .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("c2VjcmV0");
    assertThatThrownBy(() -> CertificateBundle.parse("nothing".getBytes(StandardCharsets.US_ASCII), a.privkeyPem()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toStringShowsNoKeyMaterial() {
    CertificateBundle a = CA.leaf(Duration.ofDays(90), "a.hachyderm.io");

    assertThat(a.toString()).contains("serial").doesNotContain("PRIVATE").doesNotContain("BEGIN");
  }
}
