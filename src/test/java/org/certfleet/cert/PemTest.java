package org.certfleet.cert;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.util.BigIntegers;
import org.bouncycastle.util.io.pem.PemObject;
import org.certfleet.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PemTest {
  static final TestCertificates CA = TestCertificates.ca("certfleet test CA");
  // Only for writing encrypted fixtures; never registered, so the code under test sees the JDK providers.
  static final BouncyCastleProvider BC = new BouncyCastleProvider();

  static Stream<KeyPair> keys() {
    return Stream.of(TestCertificates.ecP256(), TestCertificates.ecP384(), TestCertificates.rsa(2048),
        TestCertificates.ed25519());
  }

  @ParameterizedTest
  @MethodSource("keys")
  void writesPkcs8AndReadsItBack(KeyPair kp) {
    byte[] pem = Pem.encode(kp.getPrivate());

    assertThat(new String(pem, US_ASCII)).startsWith("-----BEGIN PRIVATE KEY-----\n");
    PrivateKey back = Pem.privateKey(pem);
    // Compared by use, not by encoding: whether the curve is repeated inside an EC key's encoding depends
    // on which provider (JDK or Bouncy Castle, which MINA SSHD registers) parsed it.
    assertThat(CertificateBundle.matches(back, kp.getPublic())).isTrue();
  }

  @ParameterizedTest
  @MethodSource("keys")
  void parsesTheSameKeyWhenBouncyCastleIsRegistered(KeyPair kp) {
    // MINA SSHD registers Bouncy Castle in the same process; key factories may then come from it.
    if (java.security.Security.getProvider("BC") == null) {
      java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
    }

    PrivateKey back = Pem.privateKey(Pem.encode(kp.getPrivate()));

    assertThat(CertificateBundle.matches(back, kp.getPublic())).isTrue();
    assertThat(CertificateBundle.matches(back, TestCertificates.ecP256().getPublic())).isFalse();
  }

  @Test
  void readsTraditionalRsaAndEcKeysIncludingOpensslsLeadingEcParameters() throws IOException {
    KeyPair rsa = TestCertificates.rsa(2048);
    KeyPair ec = TestCertificates.ecP256();
    String rsaPem = pem(rsa.getPrivate());
    // What `openssl ecparam -genkey -name prime256v1` writes: EC PARAMETERS, then SEC1 EC PRIVATE KEY
    // with the curve and the public point inside.
    ECPublicKey pub = (ECPublicKey) ec.getPublic();
    byte[] point = new byte[65];
    point[0] = 4;
    System.arraycopy(BigIntegers.asUnsignedByteArray(32, pub.getW().getAffineX()), 0, point, 1, 32);
    System.arraycopy(BigIntegers.asUnsignedByteArray(32, pub.getW().getAffineY()), 0, point, 33, 32);
    byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, ((ECPrivateKey) ec.getPrivate()).getS(),
        new DERBitString(point), SECObjectIdentifiers.secp256r1).getEncoded();
    String ecPem = pem(new PemObject("EC PARAMETERS", SECObjectIdentifiers.secp256r1.getEncoded()))
        + pem(new PemObject("EC PRIVATE KEY", sec1));
    assertThat(rsaPem).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(ecPem).startsWith("-----BEGIN EC PARAMETERS-----").contains("-----BEGIN EC PRIVATE KEY-----");

    assertThat(CertificateBundle.matches(Pem.privateKey(rsaPem.getBytes(US_ASCII)), rsa.getPublic())).isTrue();
    assertThat(CertificateBundle.matches(Pem.privateKey(ecPem.getBytes(US_ASCII)), ec.getPublic())).isTrue();
  }

  @Test
  void refusesEncryptedKeysInBothFormsSayingSo() throws Exception {
    KeyPair kp = TestCertificates.ecP256();
    String pkcs8 = pem(new JcaPKCS8Generator(kp.getPrivate(), new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
        .setProvider(BC).setPassword("pw".toCharArray()).build()).generate());
    StringWriter traditional = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(traditional)) {
      w.writeObject(kp.getPrivate(), new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(BC).build("pw".toCharArray()));
    }
    assertThat(pkcs8).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    assertThat(traditional.toString()).contains("Proc-Type: 4,ENCRYPTED");

    for (String encrypted : List.of(pkcs8, traditional.toString())) {
      assertThatThrownBy(() -> Pem.privateKey(encrypted.getBytes(US_ASCII)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("the private key is encrypted; certfleet needs it unencrypted");
    }
  }

  @Test
  void refusesWhatIsNotExactlyOneKey() {
    CertificateBundle b = CA.leaf(Duration.ofDays(1), "a.example");
    byte[] twoKeys = (new String(b.privkeyPem(), US_ASCII) + new String(Pem.encode(TestCertificates.ecP256().getPrivate()),
        US_ASCII)).getBytes(US_ASCII);

    assertThatThrownBy(() -> Pem.privateKey(twoKeys)).hasMessage("more than one private key in one file");
    assertThatThrownBy(() -> Pem.privateKey(b.certPem()))
        .hasMessage("found a certificate where a private key was expected");
    assertThatThrownBy(() -> Pem.privateKey("just text\n".getBytes(US_ASCII))).hasMessage("no PEM private key found");
  }

  @Test
  void aBrokenKeyIsReportedWithoutQuotingIt() {
    String secret = Base64.getEncoder().encodeToString("0123456789abcdef-secret".getBytes(US_ASCII));
    byte[] broken = ("-----BEGIN PRIVATE KEY-----\n" + secret + "\n-----END PRIVATE KEY-----\n").getBytes(US_ASCII);

    assertThatThrownBy(() -> Pem.privateKey(broken))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("private key does not parse (")
        .message().doesNotContain(secret).doesNotContain("secret");
  }

  @Test
  void readsEveryCertificateInOrder() {
    TestCertificates r1 = CA.intermediate("certfleet test R1");
    CertificateBundle b = r1.leaf(Duration.ofDays(1), "a.example");
    byte[] all = (new String(b.fullchainPem(), US_ASCII) + new String(Pem.encode(List.of(CA.caCertificate())), US_ASCII))
        .getBytes(US_ASCII);

    assertThat(Pem.certificates(all)).containsExactly(b.leaf(), r1.caCertificate(), CA.caCertificate());
    assertThat(Pem.certificates(new byte[0])).isEmpty();
  }

  @Test
  void refusesAKeyInsideACertificateFile() {
    CertificateBundle b = CA.leaf(Duration.ofDays(1), "a.example");
    byte[] certAndKey = (new String(b.certPem(), US_ASCII) + new String(b.privkeyPem(), US_ASCII)).getBytes(US_ASCII);

    assertThatThrownBy(() -> Pem.certificates(certAndKey))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("PEM block 2 is a private key, expected only certificates");
  }

  @Test
  void refusesACorruptCertificate() {
    byte[] corrupt = "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n".getBytes(US_ASCII);

    assertThatThrownBy(() -> Pem.certificates(corrupt))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("certificate 1 does not parse");
  }

  private static String pem(Object o) throws IOException {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      w.writeObject(o);
    }
    return sw.toString();
  }
}
