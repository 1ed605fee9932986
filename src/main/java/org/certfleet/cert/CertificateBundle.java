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

/**
 * A certificate chain with the private key of its leaf, checked to belong together.
 *
 * <p>Construction refuses a key that does not match the leaf's public key, so no code path can store
 * or deploy a pair that nginx would reject. {@link #toString()} never shows key material.
 *
 * @param chain the intermediates after the leaf, possibly empty
 */
public record CertificateBundle(X509Certificate leaf, List<X509Certificate> chain, PrivateKey privateKey) {

  public CertificateBundle {
    Objects.requireNonNull(leaf, "leaf");
    Objects.requireNonNull(privateKey, "privateKey");
    chain = List.copyOf(chain);
    if (!matches(privateKey, leaf.getPublicKey())) {
      throw new IllegalArgumentException("the private key does not match the certificate's public key (leaf serial "
          + leaf.getSerialNumber().toString(16) + ")");
    }
  }

  /**
   * Parses a fullchain (leaf first) and a private key.
   *
   * @throws IllegalArgumentException naming which part does not parse or does not match
   */
  public static CertificateBundle parse(byte[] fullchainPem, byte[] privkeyPem) {
    List<X509Certificate> all = Pem.certificates(fullchainPem);
    if (all.isEmpty()) {
      throw new IllegalArgumentException("fullchain contains no certificate");
    }
    return new CertificateBundle(all.get(0), all.subList(1, all.size()), Pem.privateKey(privkeyPem));
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

  public byte[] fullchainPem() {
    List<X509Certificate> all = new ArrayList<>();
    all.add(leaf);
    all.addAll(chain);
    return Pem.encode(all);
  }

  public byte[] privkeyPem() {
    return Pem.encode(privateKey);
  }

  /** True when a signature made with {@code key} verifies with {@code pub}: the pair belongs together. */
  public static boolean matches(PrivateKey key, PublicKey pub) {
    String alg = switch (key.getAlgorithm()) {
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (alg == null || !pub.getAlgorithm().equals(key.getAlgorithm().equals("ECDSA") ? "EC" : key.getAlgorithm())) {
      return false;
    }
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "CertificateBundle[" + leaf.getSubjectX500Principal() + ", serial " + leaf.getSerialNumber().toString(16)
        + ", " + chain.size() + " intermediate(s)]";
  }
}
