package dev.corral.sidecar.cluster.health;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The one thread a health checker's state lives on, and its timers: an event loop in production,
 * a hand-driven clock in tests.
 */
interface Scheduler extends Executor {
  /** A scheduled task that may be cancelled. */
  @FunctionalInterface
  interface Task {
    void cancel();
  }

  /** Runs {@code task} on this scheduler's thread after {@code delayNanos}. */
  Task schedule(Runnable task, long delayNanos);

  static Scheduler of(EventLoop loop) {
    return new Scheduler() {
      @Override
      public void execute(Runnable task) {
        loop.execute(task);
      }

      @Override
      public Task schedule(Runnable task, long delayNanos) {
        ScheduledFuture<?> future = loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
      }
    };
  }
}
