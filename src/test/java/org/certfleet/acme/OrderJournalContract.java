package org.certfleet.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.security.KeyPair;
import org.certfleet.cert.CertName;
import org.certfleet.testing.TestCertificates;
import org.junit.jupiter.api.Test;

/** What every {@link OrderJournal} does: the state directory's and the shared database's. */
public abstract class OrderJournalContract {
  protected static final CertName MEDIA = new CertName("media.hachyderm.io");
  protected static final CertName FILES = new CertName("files.hachyderm.io");

  /** An empty journal at the start of each test. */
  protected abstract OrderJournal journal() throws IOException;

  /** Another handle on the same state, as another instance would open it. */
  protected abstract OrderJournal sameStateElsewhere() throws IOException;

  private static URL order(int n) throws IOException {
    return URI.create("https://127.0.0.1:14000/my-order/" + n).toURL();
  }

  @Test
  void nothingIsPendingAtFirst() throws IOException {
    assertThat(journal().pending(MEDIA)).isEmpty();
  }

  @Test
  void anOrderIsRecordedFirstThenItsKeyAndForgottenWhenCleared() throws IOException {
    OrderJournal journal = journal();
    journal.record(MEDIA, new OrderJournal.PendingOrder(order(1), null));

    OrderJournal.PendingOrder noKey = sameStateElsewhere().pending(MEDIA).orElseThrow();
    assertThat(noKey.location()).isEqualTo(order(1));
    assertThat(noKey.keyPair()).isNull();

    KeyPair key = TestCertificates.ecP256();
    journal.record(MEDIA, new OrderJournal.PendingOrder(order(1), key));
    OrderJournal.PendingOrder withKey = sameStateElsewhere().pending(MEDIA).orElseThrow();
    assertThat(withKey.keyPair()).isNotNull();
    assertThat(TestCertificates.sameKey(withKey.keyPair().getPrivate(), key.getPrivate())).as("same private key").isTrue();
    assertThat(TestCertificates.sameKey(withKey.keyPair().getPublic(), key.getPublic())).as("same public key").isTrue();

    journal.clear(MEDIA);
    assertThat(sameStateElsewhere().pending(MEDIA)).isEmpty();
    journal.clear(MEDIA); // clearing twice is fine
  }

  @Test
  void aNewOrderReplacesTheOldOneAndItsKey() throws IOException {
    OrderJournal journal = journal();
    journal.record(MEDIA, new OrderJournal.PendingOrder(order(1), TestCertificates.rsa(2048)));

    journal.record(MEDIA, new OrderJournal.PendingOrder(order(2), null));

    OrderJournal.PendingOrder p = journal.pending(MEDIA).orElseThrow();
    assertThat(p.location()).isEqualTo(order(2));
    assertThat(p.keyPair()).as("a key belongs to its order").isNull();
  }

  @Test
  void eachCertificateHasItsOwnOrder() throws IOException {
    OrderJournal journal = journal();
    journal.record(MEDIA, new OrderJournal.PendingOrder(order(1), null));
    journal.record(FILES, new OrderJournal.PendingOrder(order(2), TestCertificates.ecP256()));

    journal.clear(MEDIA);

    assertThat(journal.pending(MEDIA)).isEmpty();
    assertThat(journal.pending(FILES).orElseThrow().location()).isEqualTo(order(2));
  }
}
