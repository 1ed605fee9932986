package org.certfleet.cert;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A leaf certificate, the intermediates that follow it, and the leaf's private key, checked to belong
 * together.
 *
 * <p>Construction refuses a leaf without DNS names, a key that does not match the leaf's public key,
 * and a chain whose first certificate did not sign the leaf, so no code path can store or deploy a
 * set that nginx or its clients would reject. {@link #toString()} never shows key material.
 *
 * @param chain the intermediates after the leaf, leaf's issuer first; possibly empty
 */
public record CertificateBundle(X509Certificate leaf, List<X509Certificate> chain, PrivateKey privateKey) {

  public CertificateBundle {
    Objects.requireNonNull(leaf, "leaf");
    Objects.requireNonNull(privateKey, "privateKey");
    chain = List.copyOf(chain);
    if (CertFacts.dnsNames(leaf).isEmpty()) {
      throw new IllegalArgumentException("the certificate has no DNS subjectAltName (leaf " + describe(leaf) + ")");
    }
    String keyProblem = mismatch(privateKey, leaf.getPublicKey());
    if (keyProblem != null) {
      throw new IllegalArgumentException(keyProblem + " (leaf " + describe(leaf) + ")");
    }
    if (!chain.isEmpty() && !signedBy(leaf, chain.get(0))) {
      throw new IllegalArgumentException("the chain does not start with the leaf's issuer: " + describe(chain.get(0))
          + " did not sign the leaf (" + describe(leaf) + ", issuer " + leaf.getIssuerX500Principal().getName() + ")");
    }
  }

  /**
   * Parses a fullchain (leaf first, then intermediates) and a private key.
   *
   * @throws IllegalArgumentException starting with {@code fullchain:} or {@code privkey:} when that
   *     part does not parse, or saying what does not fit together
   */
  public static CertificateBundle parse(byte[] fullchainPem, byte[] privkeyPem) {
    List<X509Certificate> all = certificates("fullchain", fullchainPem);
    if (all.isEmpty()) {
      throw new IllegalArgumentException("fullchain: contains no certificate");
    }
    PrivateKey key = key(privkeyPem);
    if (mismatch(key, all.get(0).getPublicKey()) != null) {
      // A common hand-made mistake: intermediates pasted before the leaf. Say so instead of "no match".
      for (int i = 1; i < all.size(); i++) {
        if (mismatch(key, all.get(i).getPublicKey()) == null) {
          throw new IllegalArgumentException("fullchain: not in leaf-first order: the private key belongs to certificate "
              + (i + 1) + " (" + describe(all.get(i)) + ")");
        }
      }
    }
    return new CertificateBundle(all.get(0), all.subList(1, all.size()), key);
  }

  /**
   * Parses certbot's separate {@code cert.pem} (exactly the leaf), {@code chain.pem} and
   * {@code privkey.pem}.
   *
   * @throws IllegalArgumentException starting with the name of the part that is wrong
   */
  public static CertificateBundle parse(byte[] certPem, byte[] chainPem, byte[] privkeyPem) {
    List<X509Certificate> cert = certificates("cert", certPem);
    if (cert.size() != 1) {
      throw new IllegalArgumentException("cert: expected exactly one certificate, found " + cert.size());
    }
    return new CertificateBundle(cert.get(0), certificates("chain", chainPem), key(privkeyPem));
  }

  public CertFacts facts() {
    return CertFacts.of(leaf);
  }

  public byte[] certPem() {
    return Pem.encode(List.of(leaf));
  }

  public byte[] chainPem() {
    return Pem.encode(chain);
  }

  /** The leaf followed by the chain: what nginx's {@code ssl_certificate} needs. */
  public byte[] fullchainPem() {
    List<X509Certificate> all = new ArrayList<>();
    all.add(leaf);
    all.addAll(chain);
    return Pem.encode(all);
  }

  /** The key as unencrypted PKCS#8 PEM; whoever writes it must create the file 0600. */
  public byte[] privkeyPem() {
    return Pem.encode(privateKey);
  }

  /** True when {@code key} is the private half of {@code pub}. */
  public static boolean matches(PrivateKey key, PublicKey pub) {
    return mismatch(key, pub) == null;
  }

  /**
   * Null when a signature made with {@code key} over a random challenge verifies with {@code pub},
   * else why not. Signing works the same for every algorithm, where comparing key parameters would
   * need code per algorithm.
   */
  private static @Nullable String mismatch(PrivateKey key, PublicKey pub) {
    String family = family(key.getAlgorithm());
    if (family == null) {
      return "unsupported private key algorithm " + key.getAlgorithm() + " (expected EC, RSA or Ed25519/Ed448)";
    }
    if (!family.equals(family(pub.getAlgorithm()))) {
      return "the private key (" + key.getAlgorithm() + ") does not match the certificate's public key ("
          + pub.getAlgorithm() + ")";
    }
    String alg = switch (family) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> "EdDSA";
    };
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(challenge);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(challenge);
      if (v.verify(sig)) {
        return null;
      }
    } catch (GeneralSecurityException e) {
      // e.g. keys on different curves: not a pair either
    }
    return "the private key does not match the certificate's public key";
  }

  private static @Nullable String family(String algorithm) {
    return switch (algorithm) {
      case "EC", "ECDSA" -> "EC";
      case "RSA" -> "RSA";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
      default -> null;
    };
  }

  private static boolean signedBy(X509Certificate cert, X509Certificate issuer) {
    try {
      cert.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static List<X509Certificate> certificates(String part, byte[] pem) {
    try {
      return Pem.certificates(pem);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(part + ": " + e.getMessage(), e);
    }
  }

  private static PrivateKey key(byte[] pem) {
    try {
      return Pem.privateKey(pem);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("privkey: " + e.getMessage(), e);
    }
  }

  private static String describe(X509Certificate c) {
    return "serial " + c.getSerialNumber().toString(16) + ", subject " + c.getSubjectX500Principal().getName();
  }

  @Override
  public String toString() {
    return "CertificateBundle[" + describe(leaf) + ", " + chain.size() + " intermediate(s), "
        + privateKey.getAlgorithm() + " key]";
  }
}
