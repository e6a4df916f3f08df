package dev.corral.sidecar.collapse;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Collapsed forwarding for one listener or route, mirroring the CollapsePolicy of the API: which
 * methods collapse (safe ones only), which request headers are part of the key besides the
 * authority, path and query, whether credentials are, how long a follower waits for the shared
 * response head, how much of a shared body is kept for followers that join late, and range
 * coalescing.
 */
public record CollapseSettings(Set<String> methods, List<String> keyHeaders, boolean shareAcrossCredentials,
    Duration maxWait, long maxBufferedBytes, RangeSettings ranges) {
  // Before DEFAULTS: static fields initialise in order, and DEFAULTS' constructor reads SAFE.
  private static final Set<String> SAFE = Set.of("GET", "HEAD");

  /** API.md's defaults. */
  public static final CollapseSettings DEFAULTS = new CollapseSettings(Set.of("GET", "HEAD"),
      List.of("accept", "accept-encoding"), false, Duration.ofSeconds(5), 8L << 20, RangeSettings.OFF);

  public CollapseSettings {
    methods = Set.copyOf(methods);
    for (String method : methods) {
      if (!SAFE.contains(method)) {
        throw new IllegalArgumentException("methods: " + method + " (expected: only safe methods, GET or HEAD)");
      }
    }
    keyHeaders = keyHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    requireNonNull(maxWait, "maxWait");
    requireNonNull(ranges, "ranges");
    if (maxBufferedBytes < 0) {
      throw new IllegalArgumentException("maxBufferedBytes: " + maxBufferedBytes + " (expected: >= 0)");
    }
  }
}
