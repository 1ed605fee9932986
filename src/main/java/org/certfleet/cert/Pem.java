package org.certfleet.cert;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemGenerationException;

/**
 * PEM encoding of certificates and private keys. Reads unencrypted PKCS#8 (what certbot and openssl
 * write) and the traditional SEC1 (EC) and PKCS#1 (RSA) forms, skipping the EC parameters block that
 * {@code openssl ecparam -genkey} puts first; writes PKCS#8. Keys and certificates are converted with
 * the JDK's own factories, so no security provider needs registering.
 *
 * <p>Errors say what was found where something else was expected, and never contain key material.
 */
public final class Pem {
  private Pem() {}

  /**
   * Every certificate in {@code pem}, in order; empty when there is none.
   *
   * @throws IllegalArgumentException when a block does not parse or is not a certificate. A private
   *     key is refused explicitly: a certificate file is world-readable, so a key pasted into it
   *     would leak
   */
  public static List<X509Certificate> certificates(byte[] pem) {
    List<X509Certificate> out = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = parser(pem)) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (!(o instanceof X509CertificateHolder holder)) {
          throw new IllegalArgumentException("PEM block " + (out.size() + 1) + " is " + describe(o)
              + ", expected only certificates");
        }
        out.add(converter.getCertificate(holder));
      }
    } catch (IOException | CertificateException | IllegalStateException e) {
      throw new IllegalArgumentException("certificate " + (out.size() + 1) + " does not parse ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }
    return out;
  }

  /**
   * The one private key in {@code pem}.
   *
   * @throws IllegalArgumentException when there is no key, more than one, the key is encrypted, or it
   *     does not parse
   */
  public static PrivateKey privateKey(byte[] pem) {
    PrivateKeyInfo found = null;
    try (PEMParser parser = parser(pem)) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        PrivateKeyInfo info;
        if (o instanceof PEMKeyPair kp) {
          info = kp.getPrivateKeyInfo();
        } else if (o instanceof PrivateKeyInfo pki) {
          info = pki;
        } else if (o instanceof ASN1ObjectIdentifier || o instanceof X9ECParameters) {
          continue; // "EC PARAMETERS" in front of an "EC PRIVATE KEY": the key repeats the curve
        } else if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new IllegalArgumentException("the private key is encrypted; certfleet needs it unencrypted (the file"
              + " is protected by its mode 0600), e.g. openssl pkey -in KEY -out privkey.pem");
        } else {
          throw new IllegalArgumentException("found " + describe(o) + " where a private key was expected");
        }
        if (found != null) {
          throw new IllegalArgumentException("more than one private key in one file");
        }
        found = info;
      }
      if (found == null) {
        throw new IllegalArgumentException("no PEM private key found");
      }
      return new JcaPEMKeyConverter().getPrivateKey(found);
    } catch (IOException | IllegalStateException e) {
      // The message of a parse failure could quote the input; name only the kind of failure.
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
    } catch (PemGenerationException e) {
      throw new IllegalArgumentException("cannot encode private key (" + key.getAlgorithm() + ")", e);
    }
  }

  private static PEMParser parser(byte[] pem) {
    return new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)));
  }

  private static String describe(Object o) {
    if (o instanceof PEMKeyPair || o instanceof PrivateKeyInfo || o instanceof PEMEncryptedKeyPair
        || o instanceof PKCS8EncryptedPrivateKeyInfo) {
      return "a private key";
    }
    if (o instanceof X509CertificateHolder) {
      return "a certificate";
    }
    return "a " + o.getClass().getSimpleName();
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
