package dev.corral.controlplane.http;

import java.util.List;
import java.util.Map;

/** An HTTP request as API handlers see it: no Netty types. */
public record ApiRequest(String method, String path, Map<String, List<String>> query) {
  public ApiRequest {
    query = Map.copyOf(query);
  }

  /** The first value of a query parameter, or {@code fallback}. */
  public String param(String name, String fallback) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? fallback : values.get(0);
  }
}
