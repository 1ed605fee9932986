package org.certfleet.store;

import java.util.function.Function;
import org.certfleet.cert.CertificateBundle;

/**
 * The four files of a certbot lineage version: {@code archive/<name>/<base>N.pem}, linked from
 * {@code live/<name>/<base>.pem}. Only the private key is 0600; the certificates are public data and
 * are written 0644 (the directories around them are 0700 either way).
 */
public enum PemFile {
  CERT("cert", CertificateBundle::certPem),
  CHAIN("chain", CertificateBundle::chainPem),
  FULLCHAIN("fullchain", CertificateBundle::fullchainPem),
  PRIVKEY("privkey", CertificateBundle::privkeyPem);

  private final String base;
  private final Function<CertificateBundle, byte[]> render;

  PemFile(String base, Function<CertificateBundle, byte[]> render) {
    this.base = base;
    this.render = render;
  }

  /** The name under {@code live/<name>/}, e.g. {@code fullchain.pem}. */
  public String liveName() {
    return base + ".pem";
  }

  /** The name under {@code archive/<name>/}, e.g. {@code fullchain3.pem}. */
  public String archiveName(int version) {
    return base + version + ".pem";
  }

  /** How archived names look, for messages: {@code certN.pem}. */
  public String archiveNamePattern() {
    return base + "N.pem";
  }

  public boolean isPrivate() {
    return this == PRIVKEY;
  }

  public byte[] render(CertificateBundle bundle) {
    return render.apply(bundle);
  }
}
