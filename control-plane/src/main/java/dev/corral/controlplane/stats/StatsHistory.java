package dev.corral.controlplane.stats;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A short ring of {@link StatsView}s sampled at a fixed interval (the stats bucket), so that a
 * freshly opened dashboard draws its charts at once instead of waiting for points to arrive. Each
 * sample is the sliding-window view at that moment. Thread-safe.
 */
public final class StatsHistory {
  /** Ten minutes of history by default. */
  public static final Duration DEFAULT_SPAN = Duration.ofMinutes(10);
  /** However fine the interval, at most this many samples are kept. */
  static final int MAX_SAMPLES = 3_600;

  private final Duration interval;
  private final int capacity;
  private final ArrayDeque<StatsView> samples;

  private StatsHistory(Duration span, Duration interval) {
    requireNonNull(span, "span");
    this.interval = requireNonNull(interval, "interval");
    if (interval.toMillis() <= 0) {
      throw new IllegalArgumentException("interval: " + interval + " (expected: >= 1ms)");
    }
    if (span.compareTo(interval) < 0) {
      throw new IllegalArgumentException("span: " + span + " (expected: >= interval " + interval + ")");
    }
    this.capacity = (int) Math.min(MAX_SAMPLES, span.toMillis() / interval.toMillis());
    this.samples = new ArrayDeque<>(capacity);
  }

  /** A ring that keeps {@code span} of samples taken every {@code interval}. */
  public static StatsHistory create(Duration span, Duration interval) {
    return new StatsHistory(span, interval);
  }

  public Duration interval() {
    return interval;
  }

  public int capacity() {
    return capacity;
  }

  /** Appends a sample, dropping the oldest when full. */
  public synchronized void record(StatsView view) {
    requireNonNull(view, "view");
    if (samples.size() == capacity) {
      samples.removeFirst();
    }
    samples.addLast(view);
  }

  /** The samples taken after {@code afterUnixMs} (all of them for 0), oldest first. */
  public synchronized List<StatsView> since(long afterUnixMs) {
    List<StatsView> out = new ArrayList<>();
    for (StatsView view : samples) {
      if (view.asOfUnixMs() > afterUnixMs) {
        out.add(view);
      }
    }
    return out;
  }
}
