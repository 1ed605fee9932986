package org.certfleet.renewal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.certfleet.cert.Pem;

/**
 * A key pair kept as one PKCS#8 PEM file. The public half is derived from the private one on read
 * (RSA: from the CRT parameters; EC: Q = d·G on the key's own curve), so the file holds no second copy
 * that could disagree.
 */
public final class KeyFiles {
  private KeyFiles() {}

  public static byte[] write(KeyPair kp) {
    return Pem.encode(kp.getPrivate());
  }

  public static KeyPair read(byte[] pem) throws IOException {
    PrivateKey key = Pem.privateKey(pem);
    try {
      return new KeyPair(publicOf(key), key);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot derive the public key (" + key.getAlgorithm() + ")", e);
    }
  }

  static PublicKey publicOf(PrivateKey key) throws GeneralSecurityException {
    if (key instanceof RSAPrivateCrtKey rsa) {
      return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
    }
    if (key instanceof ECPrivateKey ec) {
      org.bouncycastle.math.ec.ECPoint q = EC5Util.convertSpec(ec.getParams()).getG().multiply(ec.getS()).normalize();
      ECPoint point = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
      return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, ec.getParams()));
    }
    throw new GeneralSecurityException("unsupported key algorithm " + key.getAlgorithm());
  }
}
