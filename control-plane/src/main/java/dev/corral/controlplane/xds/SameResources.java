package dev.corral.controlplane.xds;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.protobuf.Message;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A value computed once per sequence of resource instances: two lists (or a snapshot's list and a
 * response's collection) holding the same instances in the same order share it, whatever the
 * list objects. Groups of one mesh hold mostly the same instances (see {@code TranslationMemo}),
 * so a push to 100 groups computes once what would otherwise be computed per group or per stream.
 *
 * <p>Found by first and last instance and size, then checked instance by instance (identity, no
 * hashing of resources). Entries hold their resources, so they are bounded by count and age, and
 * {@link #sweep} (after each publish) drops those not used since the one before: a packed route
 * table of a superseded model is otherwise kept for minutes (with 1,000 hosts, ~100 KB of rope
 * per namespace and model), which filled a 256 MiB heap under a change a second.
 */
final class SameResources<V> {
  private record Key(Message first, Message last, int size) {
    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Key k && k.first == first && k.last == last && k.size == size;
    }

    @Override
    public int hashCode() {
      return 31 * (31 * System.identityHashCode(first) + System.identityHashCode(last)) + size;
    }
  }

  private static final class Entry<V> {
    final Message[] resources;
    final V value;
    volatile long usedIn;

    Entry(Message[] resources, V value, long usedIn) {
      this.resources = resources;
      this.value = value;
      this.usedIn = usedIn;
    }

    boolean holds(Message[] others) {
      if (others.length != resources.length) {
        return false;
      }
      for (int i = 0; i < resources.length; i++) {
        if (others[i] != resources[i]) {
          return false;
        }
      }
      return true;
    }
  }

  private final Cache<Key, Entry<V>> entries;
  private volatile long epoch;

  SameResources(int maxEntries) {
    this.entries = CacheBuilder.newBuilder()
        .maximumSize(maxEntries).expireAfterAccess(2, TimeUnit.MINUTES).build();
  }

  /** The value for these instances in this order; {@code compute} runs when none is known. */
  V get(Collection<? extends Message> resources, Function<Message[], V> compute) {
    Message[] array = resources.toArray(new Message[0]);
    if (array.length == 0) {
      return compute.apply(array);
    }
    Key key = new Key(array[0], array[array.length - 1], array.length);
    Entry<V> known = entries.getIfPresent(key);
    if (known != null && known.holds(array)) {
      known.usedIn = epoch;
      return known.value;
    }
    V value = compute.apply(array);
    entries.put(key, new Entry<>(array, value, epoch));
    return value;
  }

  /**
   * Starts a new epoch and drops the entries not used in the previous one or since. Called once
   * per publish: what the current snapshots need is used (and kept) while it is published and
   * sent, what a superseded snapshot needed goes one publish later; a dropped entry that is
   * needed after all is computed again.
   */
  synchronized void sweep() {
    long previous = epoch;
    epoch = previous + 1;
    entries.asMap().values().removeIf(e -> e.usedIn < previous);
  }
}
