package dev.corral.sidecar.cache;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * The target URI of a request as the cache sees it: authority (lower-cased) and path with query
 * (as sent: decoding could merge distinct resources). The unit of invalidation.
 */
public record UriKey(String authority, String pathAndQuery) {
  public UriKey {
    requireNonNull(authority, "authority");
    requireNonNull(pathAndQuery, "pathAndQuery");
    authority = authority.toLowerCase(Locale.ROOT);
  }
}
