package dev.corral.sidecar.cache;

import static java.util.Objects.requireNonNull;

import dev.corral.sidecar.route.RequestHead;
import java.util.Set;

/**
 * May a response be stored (RFC 9111 §3, for a shared cache)? Checked on the response head; a
 * body of unknown length is checked again with {@link #fitsObjectSize} as it is buffered.
 */
public final class Storability {
  /** Status codes cacheable by default (RFC 9110 §15.1). */
  static final Set<Integer> CACHEABLE_BY_DEFAULT =
      Set.of(200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501);

  private final CacheConfig config;
  private final Freshness freshness;

  private Storability(CacheConfig config) {
    this.config = config;
    this.freshness = Freshness.of(config);
  }

  public static Storability of(CacheConfig config) {
    return new Storability(requireNonNull(config, "config"));
  }

  /** Store or not, and why not (the reason is a short token fit for logs and stats). */
  public record Decision(boolean store, String reason) {
    static final Decision STORE = new Decision(true, "storable");

    static Decision no(String reason) {
      return new Decision(false, reason);
    }
  }

  public Decision check(RequestHead request, int status, HttpFields responseHeaders,
      long responseTimeMillis) {
    requireNonNull(request, "request");
    requireNonNull(responseHeaders, "responseHeaders");
    if (!"GET".equals(request.method())) {
      return Decision.no("method"); // HEAD is answered from a stored GET but never stored
    }
    CacheControl req = CacheControl.parse(request.headers("cache-control"));
    if (req.noStore()) {
      return Decision.no("request-no-store");
    }
    CacheControl res = CacheControl.of(responseHeaders);
    if (res.noStore()) {
      return Decision.no("no-store");
    }
    if (status < 200 || status == 304) {
      return Decision.no("status");
    }
    if (status == 206) {
      return Decision.no("partial"); // partial content is the range collapser's business
    }
    boolean explicit = Freshness.hasExplicitFreshness(responseHeaders, res);
    if (!CACHEABLE_BY_DEFAULT.contains(status) && !explicit && !res.isPublic()) {
      return Decision.no("status");
    }
    if (res.isPrivate()
        && !(CacheKeys.of(config).credentialsInKey() && CacheKeys.hasCredentials(request))) {
      // A private response may be kept only where the key holds whose it is.
      return Decision.no("private");
    }
    if (request.header("authorization") != null
        && !(res.isPublic() || res.sMaxAge() != CacheControl.ABSENT || res.mustRevalidate())) {
      return Decision.no("authorization"); // §3.5
    }
    if (responseHeaders.contains("set-cookie")) {
      return Decision.no("set-cookie"); // would hand one client's cookie to the next
    }
    if (VarySpec.of(responseHeaders).any()) {
      return Decision.no("vary-any");
    }
    String length = responseHeaders.get("content-length");
    if (length != null) {
      try {
        if (!fitsObjectSize(Long.parseLong(length.trim()))) {
          return Decision.no("too-large");
        }
      } catch (NumberFormatException e) {
        return Decision.no("bad-content-length");
      }
    }
    long lifetime = freshness.lifetime(responseHeaders, res, responseTimeMillis);
    boolean validator = responseHeaders.contains("etag")
        || responseHeaders.contains("last-modified");
    if (lifetime <= 0 && !validator) {
      return Decision.no("no-freshness"); // stale on arrival and nothing to revalidate with
    }
    return Decision.STORE;
  }

  /** Whether a body of this many bytes may be stored (maxObjectSize). */
  public boolean fitsObjectSize(long bytes) {
    return bytes >= 0 && bytes <= config.maxObjectSize();
  }
}
