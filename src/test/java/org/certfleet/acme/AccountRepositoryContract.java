package org.certfleet.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.security.KeyPair;
import org.certfleet.testing.TestCertificates;
import org.junit.jupiter.api.Test;

/** What every {@link AccountRepository} does: the state directory's and the shared database's. */
public abstract class AccountRepositoryContract {
  protected static final URI STAGING = URI.create("https://acme-staging-v02.api.letsencrypt.org/directory");
  protected static final URI PEBBLE = URI.create("https://127.0.0.1:14000/dir");

  /** An empty repository at the start of each test. */
  protected abstract AccountRepository repository() throws IOException;

  /** Another handle on the same state, as another instance would open it. */
  protected abstract AccountRepository sameStateElsewhere() throws IOException;

  private static void assertSameKey(KeyPair actual, KeyPair expected) {
    assertThat(TestCertificates.sameKey(actual.getPrivate(), expected.getPrivate())).as("same private key").isTrue();
    assertThat(TestCertificates.sameKey(actual.getPublic(), expected.getPublic())).as("same public key").isTrue();
  }

  @Test
  void anUnknownDirectoryHasNoAccount() throws IOException {
    assertThat(repository().load(STAGING)).isEmpty();
  }

  @Test
  void theKeyIsKeptBeforeTheAccountExistsThenTheLocationWithIt() throws IOException {
    AccountRepository repo = repository();
    KeyPair key = TestCertificates.ecP384();

    repo.save(STAGING, new AccountRepository.StoredAccount(key, null));
    AccountRepository.StoredAccount keyOnly = sameStateElsewhere().load(STAGING).orElseThrow();
    assertSameKey(keyOnly.keyPair(), key);
    assertThat(keyOnly.location()).isNull();

    URL location = URI.create("https://acme-staging-v02.api.letsencrypt.org/acme/acct/123").toURL();
    repo.save(STAGING, new AccountRepository.StoredAccount(key, location));
    AccountRepository.StoredAccount created = sameStateElsewhere().load(STAGING).orElseThrow();
    assertSameKey(created.keyPair(), key);
    assertThat(created.location()).isEqualTo(location);
  }

  @Test
  void eachDirectoryHasItsOwnAccountAndRsaKeysWorkToo() throws IOException {
    AccountRepository repo = repository();
    KeyPair ec = TestCertificates.ecP256();
    KeyPair rsa = TestCertificates.rsa(2048);
    repo.save(STAGING, new AccountRepository.StoredAccount(ec, URI.create("https://a.example/acct/1").toURL()));
    repo.save(PEBBLE, new AccountRepository.StoredAccount(rsa, URI.create("https://127.0.0.1:14000/my-account/2").toURL()));

    assertSameKey(repo.load(STAGING).orElseThrow().keyPair(), ec);
    assertSameKey(repo.load(PEBBLE).orElseThrow().keyPair(), rsa);
    assertThat(repo.load(PEBBLE).orElseThrow().location()).hasToString("https://127.0.0.1:14000/my-account/2");
  }
}
