package dev.corral.sidecar.cluster;

import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * What a balancer may know about the request it picks for: the hash computed from the route's
 * {@code hash_policy} (for RING_HASH and MAGLEV), when the route has one, and the downstream
 * connection's original destination (for ORIGINAL_DST clusters), when it was redirected to us.
 */
public record PickContext(boolean hasHash, long hash, @Nullable InetSocketAddress originalDestination) {
  private static final PickContext NONE = new PickContext(false, 0, null);

  public static PickContext none() {
    return NONE;
  }

  public static PickContext ofHash(long hash) {
    return new PickContext(true, hash, null);
  }

  public PickContext withOriginalDestination(@Nullable InetSocketAddress destination) {
    return destination == null && originalDestination == null ? this
        : new PickContext(hasHash, hash, destination);
  }
}
