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
 * hashing of resources). Entries hold their resources, so they are bounded by count and age.
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

  private record Entry<V>(Message[] resources, V value) {
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
      return known.value;
    }
    V value = compute.apply(array);
    entries.put(key, new Entry<>(array, value));
    return value;
  }
}
