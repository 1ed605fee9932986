package org.certfleet.state;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import org.certfleet.acme.OrderJournal;
import org.certfleet.acme.OrderJournalContract;
import org.certfleet.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The order journal contract against a real PostgreSQL, plus the binding of a key to its order. */
class JdbcOrderJournalTest extends OrderJournalContract {
  @RegisterExtension static final TwoInstances DB = new TwoInstances();
  static final KeyCipher CIPHER = new KeyCipher(KeyCipherTest.randomKey());

  @Override
  protected OrderJournal journal() {
    return new JdbcOrderJournal(DB.one().dataSource(), CIPHER);
  }

  @Override
  protected OrderJournal sameStateElsewhere() {
    return new JdbcOrderJournal(DB.two().dataSource(), CIPHER);
  }

  @Test
  void aKeyDoesNotOpenUnderAnotherOrder() throws Exception {
    journal().record(MEDIA, new OrderJournal.PendingOrder(URI.create("https://ca.example/order/1").toURL(),
        TestCertificates.ecP256()));
    DB.db().execute("UPDATE certfleet_acme_order SET location = 'https://ca.example/order/2'");

    assertThatThrownBy(() -> journal().pending(MEDIA)).isInstanceOf(IOException.class)
        .hasMessage("acme_order/key/media.hachyderm.io/https://ca.example/order/2: the encrypted value does not verify:"
            + " it was altered, or copied from another row or column");
  }
}
