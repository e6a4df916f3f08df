package dev.corral.sidecar.cache;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The primary key of a stored response, known before the response arrives: the target URI, the
 * values of the policy's key headers and, unless credentials are shared, the request's
 * credentials. It does not include the method: a HEAD is answered from a stored GET. The
 * response's {@code Vary} adds the second level ({@link VarySpec#variantOf}).
 *
 * <p>{@link #toString()} never prints credentials.
 */
public final class CacheKey {
  /** Stands for an absent header, which must differ from an empty one. */
  static final String ABSENT = "\u0000";

  private final UriKey uri;
  private final List<String> keyHeaderValues;
  private final @Nullable String credentials;
  private final int hash;

  CacheKey(UriKey uri, List<String> keyHeaderValues, @Nullable String credentials) {
    this.uri = requireNonNull(uri, "uri");
    this.keyHeaderValues = List.copyOf(keyHeaderValues);
    this.credentials = credentials;
    this.hash = (uri.hashCode() * 31 + this.keyHeaderValues.hashCode()) * 31
        + (credentials == null ? 0 : credentials.hashCode());
  }

  public UriKey uri() {
    return uri;
  }

  /** The key headers' values in the policy's order; absent ones as {@code "\0"}. */
  public List<String> keyHeaderValues() {
    return keyHeaderValues;
  }

  /** Whether the request's credentials are part of this key. */
  public boolean hasCredentials() {
    return credentials != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CacheKey k && hash == k.hash && uri.equals(k.uri)
        && keyHeaderValues.equals(k.keyHeaderValues)
        && java.util.Objects.equals(credentials, k.credentials);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return "CacheKey{" + uri.authority() + uri.pathAndQuery() + ", " + keyHeaderValues
        + (credentials == null ? "" : ", credentials=<redacted>") + "}";
  }
}
