package org.certfleet.renewal;

import java.nio.file.Path;
import org.certfleet.acme.OrderJournal;
import org.certfleet.acme.OrderJournalContract;
import org.junit.jupiter.api.io.TempDir;

/** The order journal contract against the state directory. */
class StateOrderJournalContractTest extends OrderJournalContract {
  @TempDir Path state;

  @Override
  protected OrderJournal journal() {
    return new StateOrderJournal(state);
  }

  @Override
  protected OrderJournal sameStateElsewhere() {
    return new StateOrderJournal(state);
  }
}
