package dev.corral.sidecar.cache;

import static java.util.Objects.requireNonNull;

import dev.corral.sidecar.route.RequestHead;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Makes {@link CacheKey}s for one policy: which headers and whether credentials are keyed. */
public final class CacheKeys {
  private final List<String> keyHeaders;
  private final boolean shareAcrossCredentials;

  private CacheKeys(List<String> keyHeaders, boolean shareAcrossCredentials) {
    this.keyHeaders = keyHeaders;
    this.shareAcrossCredentials = shareAcrossCredentials;
  }

  public static CacheKeys of(CacheConfig config) {
    return new CacheKeys(config.keyHeaders(), config.shareAcrossCredentials());
  }

  /** True when {@code Authorization} and {@code Cookie} are part of every key. */
  public boolean credentialsInKey() {
    return !shareAcrossCredentials;
  }

  public CacheKey keyFor(RequestHead request) {
    requireNonNull(request, "request");
    List<String> values = new ArrayList<>(keyHeaders.size());
    for (String h : keyHeaders) {
      values.add(fieldValue(request, h));
    }
    String credentials = null;
    if (!shareAcrossCredentials) {
      String auth = fieldValue(request, "authorization");
      String cookie = fieldValue(request, "cookie");
      // Always set when credentials are keyed, so an anonymous request has a key of its own too.
      credentials = auth + '\n' + cookie;
    }
    return new CacheKey(new UriKey(request.authority(), request.path()), values, credentials);
  }

  /** Whether the request carries credentials at all. */
  static boolean hasCredentials(RequestHead request) {
    return request.header("authorization") != null || request.header("cookie") != null;
  }

  /** All lines of a field joined by ", ", each trimmed; {@link CacheKey#ABSENT} when absent. */
  static String fieldValue(RequestHead request, String name) {
    List<String> lines = request.headers(name);
    if (lines.isEmpty()) {
      return CacheKey.ABSENT;
    }
    if (lines.size() == 1) {
      return lines.get(0).trim();
    }
    StringBuilder sb = new StringBuilder();
    for (String l : lines) {
      sb.append(sb.length() == 0 ? "" : ", ").append(l.trim());
    }
    return sb.toString();
  }

  static @Nullable String nullIfAbsent(String v) {
    return CacheKey.ABSENT.equals(v) ? null : v;
  }
}
