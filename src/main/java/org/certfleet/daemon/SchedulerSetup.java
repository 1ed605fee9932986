package org.certfleet.daemon;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.UUID;
import org.certfleet.config.ClusterConfig;
import org.certfleet.config.SecretResolver;
import org.certfleet.db.Database;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * How the daemon gets its Quartz scheduler: the one seam between the embedded (in-memory) store and a
 * clustered JDBC store. Jobs and triggers are reconciled with certs.yaml at every start and reload, so
 * the in-memory store losing them on restart loses nothing, and a shared store keeps what the other
 * instances armed.
 */
@FunctionalInterface
public interface SchedulerSetup {
  /** Quartz's scheduler name: the same on every instance, since Quartz clusters by it. */
  String NAME = "certfleet";
  int THREADS = 3;

  Scheduler create() throws SchedulerException;

  /**
   * Whether the job store is shared with other instances: then the daemon never clears it, changes only
   * the triggers whose definition changed, and leaves catching up missed fires to the store's misfire
   * handling (its triggers outlive restarts).
   */
  default boolean clustered() {
    return false;
  }

  /** RAMJobStore, three worker threads (jobs serialize on the daemon's own lock anyway), no update check. */
  static SchedulerSetup embedded() {
    return () -> {
      Properties p = common();
      p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
      return new StdSchedulerFactory(p).getScheduler();
    };
  }

  /**
   * Quartz's clustered JDBC store on the {@code cluster:} database: JobStoreTX with PostgreSQLDelegate
   * (the standard delegate cannot read PostgreSQL's BYTEA), {@code isClustered}, an AUTO instance id,
   * trigger acquisition inside the row lock (without it two instances can fire one trigger), and a
   * HikariCP pool of its own so the shared-state stores can never starve the cluster check-in. The
   * tables come from {@code certfleet db migrate}; Quartz never creates or drops them.
   */
  static SchedulerSetup clustered(ClusterConfig cluster, SecretResolver secrets) {
    return new SchedulerSetup() {
      @Override
      public Scheduler create() throws SchedulerException {
        // Quartz looks its data source up by name in a process-wide registry: a unique name per scheduler.
        String ds = "certfleet-" + UUID.randomUUID();
        // Each worker may hold a connection, plus the cluster manager, the misfire handler and the scheduler thread.
        Database db = Database.open(cluster, secrets, "certfleet-quartz", THREADS + 3);
        DBConnectionManager.getInstance().addConnectionProvider(ds, new ConnectionProvider() {
          @Override
          public Connection getConnection() throws SQLException {
            return db.connection();
          }

          @Override
          public void shutdown() {
            db.close();
          }

          @Override
          public void initialize() {
            // the pool is ready
          }
        });
        Properties p = common();
        p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", ds);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.useProperties", "true");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(cluster.checkinInterval().toMillis()));
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        // While the database is away, retry (check-in, acquisition, completing a job) at the check-in pace.
        p.setProperty("org.quartz.jobStore.dbRetryInterval", Long.toString(cluster.checkinInterval().toMillis()));
        try {
          return new StdSchedulerFactory(p).getScheduler();
        } catch (SchedulerException | RuntimeException e) {
          db.close();
          throw e;
        }
      }

      @Override
      public boolean clustered() {
        return true;
      }
    };
  }

  private static Properties common() {
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", NAME);
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(THREADS));
    p.setProperty("org.quartz.threadPool.threadNamePrefix", "certfleet-job");
    p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
    return p;
  }
}
