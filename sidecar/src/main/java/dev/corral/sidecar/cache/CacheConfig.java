package dev.corral.sidecar.cache;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A CachePolicy as the sidecar uses it (field names follow the CRD's {@code spec}). Checked on
 * construction; the messages name the field.
 */
public record CacheConfig(
    long maxSize,
    long maxObjectSize,
    Duration defaultTtl,
    Duration staleWhileRevalidate,
    Duration staleIfError,
    List<String> keyHeaders,
    boolean shareAcrossCredentials,
    boolean invalidateOnUnsafeMethods) {

  public CacheConfig {
    requireNonNull(defaultTtl, "defaultTtl");
    requireNonNull(staleWhileRevalidate, "staleWhileRevalidate");
    requireNonNull(staleIfError, "staleIfError");
    requireNonNull(keyHeaders, "keyHeaders");
    check(maxSize > 0, "maxSize", maxSize, "> 0");
    check(maxObjectSize > 0 && maxObjectSize <= maxSize, "maxObjectSize", maxObjectSize,
        "> 0 and <= maxSize");
    check(!defaultTtl.isNegative(), "defaultTtl", defaultTtl, ">= 0");
    check(!staleWhileRevalidate.isNegative(), "staleWhileRevalidate", staleWhileRevalidate, ">= 0");
    check(!staleIfError.isNegative(), "staleIfError", staleIfError, ">= 0");
    List<String> names = new ArrayList<>();
    for (String h : keyHeaders) {
      String n = HttpFields.lower(requireNonNull(h, "keyHeaders[]").trim());
      check(!n.isEmpty(), "keyHeaders[" + names.size() + "]", h, "a header name");
      if (!names.contains(n)) {
        names.add(n);
      }
    }
    keyHeaders = List.copyOf(names);
  }

  /** The CRD's defaults: 64Mi, 1Mi, 0s, 10s, 5m, [accept, accept-encoding], false, true. */
  public static CacheConfig defaults() {
    return new CacheConfig(64L << 20, 1L << 20, Duration.ZERO, Duration.ofSeconds(10),
        Duration.ofMinutes(5), List.of("accept", "accept-encoding"), false, true);
  }

  public CacheConfig withDefaultTtl(Duration ttl) {
    return new CacheConfig(maxSize, maxObjectSize, ttl, staleWhileRevalidate, staleIfError,
        keyHeaders, shareAcrossCredentials, invalidateOnUnsafeMethods);
  }

  public CacheConfig withStale(Duration whileRevalidate, Duration ifError) {
    return new CacheConfig(maxSize, maxObjectSize, defaultTtl, whileRevalidate, ifError,
        keyHeaders, shareAcrossCredentials, invalidateOnUnsafeMethods);
  }

  public CacheConfig withSizes(long maxSize, long maxObjectSize) {
    return new CacheConfig(maxSize, maxObjectSize, defaultTtl, staleWhileRevalidate, staleIfError,
        keyHeaders, shareAcrossCredentials, invalidateOnUnsafeMethods);
  }

  public CacheConfig withKeyHeaders(List<String> headers, boolean shareAcrossCredentials) {
    return new CacheConfig(maxSize, maxObjectSize, defaultTtl, staleWhileRevalidate, staleIfError,
        headers, shareAcrossCredentials, invalidateOnUnsafeMethods);
  }

  private static void check(boolean ok, String field, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: " + expected + ")");
    }
  }
}
