package org.certfleet.acme;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.security.KeyPair;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where the ACME account key and URL live, one account per directory. The key is saved before the
 * account is created, so a crash between the two never orphans an account: the next run presents
 * the same key and the CA returns the existing account.
 */
public interface AccountRepository {

  Optional<StoredAccount> load(URI directory) throws IOException;

  /** Saves atomically; the key file is readable by the owner only. */
  void save(URI directory, StoredAccount account) throws IOException;

  /**
   * @param location the account URL, or null while the account is not yet created
   */
  record StoredAccount(KeyPair keyPair, @Nullable URL location) {
    public StoredAccount {
      Objects.requireNonNull(keyPair, "keyPair");
    }

    @Override
    public String toString() {
      return "StoredAccount[" + location + "]";
    }
  }
}
