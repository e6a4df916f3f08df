package dev.corral.controlplane.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP request as API handlers see it: no Netty types.
 *
 * @param headers request headers by lower-case name (the first value of each)
 */
public record ApiRequest(String method, String path, Map<String, List<String>> query, Map<String, String> headers) {
  public ApiRequest {
    query = Map.copyOf(query);
    headers = Map.copyOf(headers);
  }

  public ApiRequest(String method, String path, Map<String, List<String>> query) {
    this(method, path, query, Map.of());
  }

  /** The first value of a query parameter, or {@code fallback}. */
  public String param(String name, String fallback) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? fallback : values.get(0);
  }

  /** A request header's first value, or null. */
  public @Nullable String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }
}
