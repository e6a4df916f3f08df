package dev.corral.controlplane.translate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Shares translated pieces between node groups and between consecutive models. Most of a group's
 * resources (every Cluster and ClusterLoadAssignment, each Service's virtual host, the route table
 * of a namespace) do not depend on the group, so with 100 groups a model change would otherwise
 * build, hash, serialize and hold 100 copies of the same 10,000 endpoints. Keys are the pieces'
 * inputs (value equality); values are immutable protos, so the same instance can go into every
 * group's snapshot (java-control-plane then serializes it once, see {@code XdsServer}).
 *
 * <p>Entries live for two generations: {@link #nextGeneration()} (called once per model) drops what
 * the previous model used and the new one did not, so memory stays bounded by about two models.
 */
public final class TranslationMemo {
  private static final TranslationMemo NONE = new TranslationMemo(false);

  private final boolean enabled;
  private volatile Map<Object, Object> current = new ConcurrentHashMap<>();
  private volatile Map<Object, Object> previous = Map.of();

  public TranslationMemo() {
    this(true);
  }

  private TranslationMemo(boolean enabled) {
    this.enabled = enabled;
  }

  /** Starts a generation: entries not used since the previous call are dropped. */
  public synchronized void nextGeneration() {
    previous = current;
    current = new ConcurrentHashMap<>();
  }

  /** No sharing: every call computes (for one-off translations and tests). */
  static TranslationMemo none() {
    return NONE;
  }

  @SuppressWarnings("unchecked")
  <T> T get(Object key, Supplier<T> compute) {
    if (!enabled) {
      return compute.get();
    }
    Map<Object, Object> now = current;
    Object v = now.get(key);
    if (v == null) {
      v = previous.get(key);
      if (v == null) {
        v = compute.get();
      }
      Object raced = now.putIfAbsent(key, v);
      if (raced != null) {
        v = raced;
      }
    }
    return (T) v;
  }

  /** A key part compared by identity (a model: its equals is deep and costly). */
  record Same(Object value) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Same s && s.value == value;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(value);
    }
  }
}
