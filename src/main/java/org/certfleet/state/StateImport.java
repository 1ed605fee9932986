package org.certfleet.state;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.certfleet.acme.AccountRepository;
import org.certfleet.acme.OrderJournal;
import org.certfleet.alert.AlertState;
import org.certfleet.alert.AlertStateStore;
import org.certfleet.audit.AuditEntry;
import org.certfleet.audit.AuditLog;
import org.certfleet.cert.CertName;
import org.certfleet.cert.CertificateBundle;
import org.certfleet.config.AppConfig;
import org.certfleet.config.CertSpec;
import org.certfleet.renewal.StateAccountRepository;
import org.certfleet.renewal.StateOrderJournal;
import org.certfleet.store.CertbotImporter;
import org.certfleet.store.CertificateLocks;
import org.certfleet.store.FileCertificateStore;
import org.certfleet.store.Lineage;
import org.certfleet.store.LineageMetadata;
import org.certfleet.store.StoreLock;

/**
 * {@code certfleet db import-state}: moves a single instance's state directory into the cluster database,
 * so that a running installation can become a cluster without issuing anything anew. Copies every
 * lineage with all its versions (numbers kept, the current one current, keys sealed) and its metadata,
 * the ACME account of the configured CA, pending orders of the configured certificates, the alert state
 * and the audit log. The state directory is only read, under its lock (no local writer meanwhile).
 *
 * <p>Nothing is merged: a lineage the database has already is refused, and the alert state and the audit
 * log are copied only into an empty database table, so running it again changes nothing.
 */
public final class StateImport {
  private StateImport() {}

  /** What happened to one item; {@code ok} false means refused or failed, with the reason in {@code detail}. */
  public record Item(String what, boolean ok, String detail) {}

  /**
   * @throws IllegalArgumentException when {@code config} has no {@code cluster:} section
   * @throws org.certfleet.store.StoreLockedException when a command or the daemon writes the state directory
   */
  public static List<Item> run(AppConfig config, Path stateDir, StateAccess access, Clock clock)
      throws IOException, InterruptedException {
    if (config.cluster() == null) {
      throw new IllegalArgumentException("no cluster: section: there is no database to import into");
    }
    DatabaseStateStores target = (DatabaseStateStores) access.of(config);
    List<Item> out = new ArrayList<>();
    try (StoreLock lock = StoreLock.acquire(stateDir, clock)) {
      FileCertificateStore source = FileCertificateStore.readOnly(stateDir);
      for (Lineage l : source.list()) {
        out.add(lineage(source, target, l));
      }
      out.add(account(config, new StateAccountRepository(stateDir), target.accounts()));
      for (CertSpec c : config.certificates()) {
        Optional<OrderJournal.PendingOrder> p = new StateOrderJournal(stateDir).pending(c.name());
        if (p.isPresent()) {
          out.add(order(c, p.get(), target.orders()));
        }
      }
      out.add(alerts(access.files(stateDir).alertState(), target.alertState()));
      out.add(audit(AuditLog.inStateDir(stateDir), target.audit()));
    }
    return out;
  }

  /**
   * {@code certfleet import --certbot} into the cluster database: each certbot lineage with every version
   * (numbers kept, certbot's live version current, keys sealed), under the certificate's lock. Per lineage
   * all or nothing; a lineage the database has is refused, never merged.
   *
   * @throws IllegalArgumentException when {@code config} has no {@code cluster:} section
   * @throws IOException when {@code certbotDir} is not a certbot config directory
   */
  public static List<CertbotImporter.Result> certbot(AppConfig config, Path certbotDir, List<String> names,
      StateAccess access) throws IOException {
    if (config.cluster() == null) {
      throw new IllegalArgumentException("no cluster: section: there is no database to import into");
    }
    DatabaseStateStores target = (DatabaseStateStores) access.of(config);
    List<CertbotImporter.Result> out = new ArrayList<>();
    for (String n : CertbotImporter.lineageNames(certbotDir, names)) {
      try {
        CertName name = new CertName(n);
        CertbotImporter.CertbotLineage lineage = CertbotImporter.read(certbotDir, name);
        Optional<CertificateLocks.Held> held = target.locks().tryLock(name);
        if (held.isEmpty()) {
          throw new IOException(n + ": another certfleet instance is working on it; not imported, try again");
        }
        try (CertificateLocks.Held lock = held.get()) {
          target.writableStore().importLineage(name, lineage.bundles(), lineage.current(), LineageMetadata.empty(n));
        }
        out.add(new CertbotImporter.Result(n, lineage.versions(), lineage.current(), null));
      } catch (IOException | IllegalArgumentException e) {
        out.add(new CertbotImporter.Result(n, List.of(), 0, e.getMessage()));
      }
    }
    return out;
  }

  private static Item lineage(FileCertificateStore source, DatabaseStateStores target, Lineage l) {
    String what = "lineage " + l.name().value();
    try {
      SortedMap<Integer, CertificateBundle> versions = new TreeMap<>();
      for (int v : l.versions()) {
        versions.put(v, source.load(l.name(), v));
      }
      LineageMetadata meta = source.metadata(l.name());
      target.writableStore().importLineage(l.name(), versions, l.version(), meta);
      return new Item(what, true, "versions " + l.versions() + ", version " + l.version() + " current");
    } catch (IOException | RuntimeException e) {
      return new Item(what, false, e.getMessage());
    }
  }

  private static Item account(AppConfig config, AccountRepository source, AccountRepository target) {
    String what = "ACME account at " + config.acme().directory();
    try {
      Optional<AccountRepository.StoredAccount> a = source.load(config.acme().directory());
      if (a.isEmpty()) {
        return new Item(what, true, "none in the state directory");
      }
      if (target.load(config.acme().directory()).isPresent()) {
        return new Item(what, false, "the database has one already; not replaced");
      }
      target.save(config.acme().directory(), a.get());
      return new Item(what, true, a.get().location() == null ? "key only" : String.valueOf(a.get().location()));
    } catch (IOException | RuntimeException e) {
      return new Item(what, false, e.getMessage());
    }
  }

  private static Item order(CertSpec c, OrderJournal.PendingOrder p, OrderJournal target) {
    String what = "pending order of " + c.name().value();
    try {
      if (target.pending(c.name()).isPresent()) {
        return new Item(what, false, "the database has one already; not replaced");
      }
      target.record(c.name(), p);
      return new Item(what, true, p.toString());
    } catch (IOException | RuntimeException e) {
      return new Item(what, false, e.getMessage());
    }
  }

  private static Item alerts(AlertStateStore source, AlertStateStore target) throws InterruptedException {
    String what = "alert state";
    try (AlertStateStore.Lock from = source.lock(Duration.ofSeconds(30));
        AlertStateStore.Lock to = target.lock(Duration.ofSeconds(30))) {
      AlertState existing = to.load();
      if (!existing.problems.isEmpty() || !existing.outbox.isEmpty()) {
        return new Item(what, false, "the database has alert state already; not replaced");
      }
      AlertState s = from.load();
      to.save(s);
      return new Item(what, true, s.problems.size() + " problem(s), " + s.outbox.size() + " queued message(s)");
    } catch (IOException | RuntimeException e) {
      return new Item(what, false, e.getMessage());
    }
  }

  private static Item audit(AuditLog source, AuditLog target) {
    String what = "audit log";
    try {
      if (!target.recent(1).isEmpty()) {
        return new Item(what, false, "the database has audit entries already; not appended");
      }
      List<AuditEntry> all = source.read();
      all.forEach(target::append);
      return new Item(what, true, all.size() + " entr" + (all.size() == 1 ? "y" : "ies"));
    } catch (IOException | RuntimeException e) {
      return new Item(what, false, e.getMessage());
    }
  }
}
