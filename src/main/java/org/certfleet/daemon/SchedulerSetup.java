package org.certfleet.daemon;

import java.util.Properties;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.StdSchedulerFactory;

/**
 * How the daemon gets its Quartz scheduler: the one seam between the embedded (in-memory) store and a
 * clustered JDBC store. Jobs and triggers are rebuilt from certs.yaml at every start, so the in-memory
 * store losing them on restart loses nothing.
 */
@FunctionalInterface
public interface SchedulerSetup {
  Scheduler create() throws SchedulerException;

  /** RAMJobStore, three worker threads (jobs serialize on the daemon's own lock anyway), no update check. */
  static SchedulerSetup embedded() {
    return () -> {
      Properties p = new Properties();
      p.setProperty("org.quartz.scheduler.instanceName", "certfleet");
      p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
      p.setProperty("org.quartz.threadPool.threadCount", "3");
      p.setProperty("org.quartz.threadPool.threadNamePrefix", "certfleet-job");
      p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
      p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
      return new StdSchedulerFactory(p).getScheduler();
    };
  }
}
