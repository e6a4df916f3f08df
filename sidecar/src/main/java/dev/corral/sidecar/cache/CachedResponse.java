package dev.corral.sidecar.cache;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An immutable stored response: status, headers (without hop-by-hop fields), body, the times of
 * the exchange that produced it (epoch millis, for the age calculation of RFC 9111 §4.2.3), and
 * its validators.
 */
public final class CachedResponse {
  /** Fields never stored (RFC 9111 §3.1): they belong to one connection. */
  static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
      "te", "transfer-encoding", "upgrade", "trailer", "proxy-authenticate",
      "proxy-authentication-info", "proxy-authorization");

  /** Rough per-entry bookkeeping cost, so that many tiny entries still count. */
  static final long OVERHEAD_BYTES = 256;

  private final int status;
  private final HttpFields headers;
  private final CachedBody body;
  private final long requestTimeMillis;
  private final long responseTimeMillis;
  private final CacheControl cacheControl;
  private final long correctedInitialAgeMillis;

  private CachedResponse(int status, HttpFields headers, CachedBody body, long requestTimeMillis,
      long responseTimeMillis) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.requestTimeMillis = requestTimeMillis;
    this.responseTimeMillis = responseTimeMillis;
    this.cacheControl = CacheControl.of(headers);
    this.correctedInitialAgeMillis =
        Freshness.correctedInitialAgeMillis(headers, requestTimeMillis, responseTimeMillis);
  }

  /**
   * A response to store. Hop-by-hop fields (and those named by {@code Connection}) are dropped
   * and {@code Content-Length} is set to the body's length.
   *
   * @param requestTimeMillis when the request that produced it was sent upstream
   * @param responseTimeMillis when its response head was received
   */
  public static CachedResponse of(int status, HttpFields headers, CachedBody body,
      long requestTimeMillis, long responseTimeMillis) {
    requireNonNull(headers, "headers");
    requireNonNull(body, "body");
    if (status < 200 || status > 999) {
      throw new IllegalArgumentException("status: " + status + " (expected: a final status)");
    }
    if (responseTimeMillis < requestTimeMillis) {
      throw new IllegalArgumentException("responseTimeMillis: " + responseTimeMillis
          + " (expected: >= requestTimeMillis " + requestTimeMillis + ")");
    }
    HttpFields.Builder b = withoutHopByHop(headers).toBuilder();
    if (status != 204) {
      b.set("content-length", Long.toString(body.length()));
    }
    return new CachedResponse(status, b.build(), body, requestTimeMillis, responseTimeMillis);
  }

  static HttpFields withoutHopByHop(HttpFields headers) {
    HttpFields.Builder b = headers.toBuilder();
    for (String c : headers.getAll("connection")) {
      for (String n : c.split(",")) {
        if (!n.isBlank()) {
          b.remove(n.trim().toLowerCase(Locale.ROOT));
        }
      }
    }
    for (String n : HOP_BY_HOP) {
      b.remove(n);
    }
    return b.build();
  }

  /** The same body and status with new headers and exchange times (after a 304). */
  CachedResponse withHeaders(HttpFields newHeaders, long requestTimeMillis,
      long responseTimeMillis) {
    return new CachedResponse(status, newHeaders, body, requestTimeMillis, responseTimeMillis);
  }

  public int status() {
    return status;
  }

  public HttpFields headers() {
    return headers;
  }

  public CachedBody body() {
    return body;
  }

  public long requestTimeMillis() {
    return requestTimeMillis;
  }

  public long responseTimeMillis() {
    return responseTimeMillis;
  }

  /** Its age when received (RFC 9111 §4.2.3 corrected_initial_age), computed once. */
  long correctedInitialAgeMillis() {
    return correctedInitialAgeMillis;
  }

  /** The response's Cache-Control, parsed once. */
  public CacheControl cacheControl() {
    return cacheControl;
  }

  public @Nullable String etag() {
    return headers.get("etag");
  }

  public @Nullable String lastModified() {
    return headers.get("last-modified");
  }

  public boolean hasValidator() {
    return etag() != null || lastModified() != null;
  }

  /** Bytes this entry holds: header and body bytes plus a fixed overhead. */
  public long weight() {
    return headers.byteSize() + body.length() + OVERHEAD_BYTES;
  }

  @Override
  public String toString() {
    return "CachedResponse{" + status + ", " + body.length() + " bytes}";
  }
}
