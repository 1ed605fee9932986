package org.certfleet.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.impl.StdSchedulerFactory;

/**
 * {@link Daemon#once}, on a real (in-memory) Quartz scheduler: asking for a run while one is under way
 * gets a run after it. A reload during a monitoring cycle that has already armed its renewal checks must
 * get a cycle of its own, or the new certificates wait for their cron (DaemonTest saw that once).
 */
@Timeout(60)
class OnceTriggerTest {
  static final AtomicInteger runs = new AtomicInteger();
  static volatile CountDownLatch started = new CountDownLatch(1);
  static volatile CountDownLatch release = new CountDownLatch(1);
  Scheduler scheduler;

  /** Blocks its first run until released. */
  @DisallowConcurrentExecution
  public static final class Blocking implements Job {
    @Override
    public void execute(JobExecutionContext context) {
      if (runs.incrementAndGet() == 1) {
        started.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  @BeforeEach
  void start() throws Exception {
    runs.set(0);
    started = new CountDownLatch(1);
    release = new CountDownLatch(1);
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", "once-test-" + System.nanoTime());
    p.setProperty("org.quartz.threadPool.threadCount", "2");
    p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    scheduler = new StdSchedulerFactory(p).getScheduler();
    scheduler.addJob(JobBuilder.newJob(Blocking.class).withIdentity("watch").storeDurably().build(), false);
    scheduler.start();
  }

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    scheduler.shutdown(true);
  }

  @Test
  void aRunAskedForWhileOneIsUnderWayFollowsIt() throws Exception {
    Daemon.once(scheduler, "watch:now", false);
    assertThat(started.await(10, TimeUnit.SECONDS)).as("the first run started").isTrue();

    Daemon.once(scheduler, "watch:now", false);
    release.countDown();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (runs.get() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(runs.get()).as("runs").isEqualTo(2);
  }

  @Test
  void askingTwiceBeforeTheRunStartsRunsOnce() throws Exception {
    scheduler.standby();
    Daemon.once(scheduler, "watch:now", false);
    Daemon.once(scheduler, "watch:now", false);
    release.countDown();
    scheduler.start();

    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(500);
    assertThat(runs.get()).as("runs").isEqualTo(1);
  }
}
