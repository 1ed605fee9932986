package org.certfleet.daemon;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * The one Quartz job class: it hands the job's name to the daemon. Non-concurrent, so a job never
 * overlaps with itself; the daemon's lock keeps different jobs from overlapping.
 */
@DisallowConcurrentExecution
final class DaemonJob implements Job {
  private final Daemon daemon;

  DaemonJob(Daemon daemon) {
    this.daemon = daemon;
  }

  @Override
  public void execute(JobExecutionContext context) {
    Object arm = context.getTrigger().getJobDataMap().get(Daemon.ARM_RENEWALS);
    daemon.run(context.getJobDetail().getKey().getName(), "true".equals(arm));
  }
}
