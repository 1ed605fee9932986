package org.certfleet.cert;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * PEM encoding of certificates and private keys. Reads PKCS#8 (what
 * certbot and openssl write) and the traditional SEC1 (EC) and PKCS#1 (RSA) forms; writes PKCS#8.
 * Keys are converted with the JDK's own key factories, so no security provider needs registering.
 */
public final class Pem {
  private Pem() {}

  /** Every certificate in {@code pem}, in order. */
  public static List<X509Certificate> certificates(byte[] pem) {
    try {
      List<X509Certificate> out = new ArrayList<>();
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (var c : cf.generateCertificates(new ByteArrayInputStream(pem))) {
        out.add((X509Certificate) c);
      }
      return out;
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
    }
  }

  /**
   * The one private key in {@code pem}.
   *
   * @throws IllegalArgumentException when there is no key, it is encrypted, or it does not parse;
   *     the message never contains key material
   */
  public static PrivateKey privateKey(byte[] pem) {
    try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
      Object o = parser.readObject();
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair kp) {
        return conv.getPrivateKey(kp.getPrivateKeyInfo());
      }
      if (o instanceof PrivateKeyInfo info) {
        return conv.getPrivateKey(info);
      }
      if (o == null) {
        throw new IllegalArgumentException("no PEM private key found");
      }
      throw new IllegalArgumentException("unsupported PEM object " + o.getClass().getSimpleName()
          + " (expected an unencrypted PKCS#8 or EC/RSA private key)");
    } catch (IOException e) {
      throw new IllegalArgumentException("private key does not parse (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  public static byte[] encode(List<X509Certificate> certs) {
    return write(certs.toArray());
  }

  /** PKCS#8, unencrypted: the file itself must be protected by its mode. */
  public static byte[] encode(PrivateKey key) {
    try {
      return write(new JcaPKCS8Generator(key, null).generate());
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IllegalArgumentException("cannot encode private key (" + key.getAlgorithm() + ")", e);
    }
  }

  private static byte[] write(Object... objects) {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      for (Object o : objects) {
        w.writeObject(o);
      }
    } catch (IOException e) {
      throw new IllegalStateException("PEM encoding failed", e);
    }
    return sw.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
