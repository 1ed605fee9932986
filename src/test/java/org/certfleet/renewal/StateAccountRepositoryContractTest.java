package org.certfleet.renewal;

import java.nio.file.Path;
import org.certfleet.acme.AccountRepository;
import org.certfleet.acme.AccountRepositoryContract;
import org.junit.jupiter.api.io.TempDir;

/** The account contract against the state directory. */
class StateAccountRepositoryContractTest extends AccountRepositoryContract {
  @TempDir Path state;

  @Override
  protected AccountRepository repository() {
    return new StateAccountRepository(state);
  }

  @Override
  protected AccountRepository sameStateElsewhere() {
    return new StateAccountRepository(state);
  }
}
