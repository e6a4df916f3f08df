package dev.corral.sidecar.cluster;

/**
 * What a balancer may know about the request it picks for: the hash computed from the route's
 * {@code hash_policy} (for RING_HASH and MAGLEV), when the route has one.
 */
public record PickContext(boolean hasHash, long hash) {
  private static final PickContext NONE = new PickContext(false, 0);

  public static PickContext none() {
    return NONE;
  }

  public static PickContext ofHash(long hash) {
    return new PickContext(true, hash);
  }
}
