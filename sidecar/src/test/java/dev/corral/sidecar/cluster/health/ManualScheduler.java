package dev.corral.sidecar.cluster.health;

import java.util.PriorityQueue;

/** A scheduler on the test's thread whose clock only moves when the test advances it. */
final class ManualScheduler implements Scheduler {
  private final PriorityQueue<Entry> queue = new PriorityQueue<>();
  private long now;
  private long sequence;

  long now() {
    return now;
  }

  @Override
  public void execute(Runnable task) {
    task.run();
  }

  @Override
  public Task schedule(Runnable task, long delayNanos) {
    Entry entry = new Entry(now + delayNanos, sequence++, task);
    queue.add(entry);
    return () -> entry.cancelled = true;
  }

  /** Moves the clock forward, running every task that falls due on the way, in time order. */
  void advance(long nanos) {
    long target = now + nanos;
    while (!queue.isEmpty() && queue.peek().time <= target) {
      Entry entry = queue.poll();
      now = entry.time;
      if (!entry.cancelled) {
        entry.task.run();
      }
    }
    now = target;
  }

  /** Tasks scheduled and not cancelled. */
  long pending() {
    return queue.stream().filter(e -> !e.cancelled).count();
  }

  private static final class Entry implements Comparable<Entry> {
    final long time;
    final long sequence;
    final Runnable task;
    boolean cancelled;

    Entry(long time, long sequence, Runnable task) {
      this.time = time;
      this.sequence = sequence;
      this.task = task;
    }

    @Override
    public int compareTo(Entry other) {
      int byTime = Long.compare(time, other.time);
      return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
  }
}
