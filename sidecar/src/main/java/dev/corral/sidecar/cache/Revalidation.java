package dev.corral.sidecar.cache;

import static java.util.Objects.requireNonNull;

import dev.corral.sidecar.route.RequestHead;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** Conditional requests to revalidate a stored response, and freshening it with a 304. */
public final class Revalidation {
  /**
   * Fields a 304 never overwrites in the stored response (RFC 9111 §3.2): hop-by-hop fields,
   * Content-Length and Content-Range, and Content-Encoding because the stored bytes carry it.
   */
  static final Set<String> NOT_UPDATED;

  static {
    Set<String> s = new HashSet<>(CachedResponse.HOP_BY_HOP);
    s.add("content-length");
    s.add("content-range");
    s.add("content-encoding");
    NOT_UPDATED = Set.copyOf(s);
  }

  private Revalidation() {}

  /**
   * Headers to add to the forwarded request: {@code If-None-Match} from the ETag,
   * {@code If-Modified-Since} from Last-Modified. Empty when the response has no validator.
   */
  public static HttpFields conditionalHeaders(CachedResponse stored) {
    HttpFields.Builder b = HttpFields.builder();
    String etag = stored.etag();
    if (etag != null) {
      b.add("if-none-match", etag);
    }
    String lastModified = stored.lastModified();
    if (lastModified != null) {
      b.add("if-modified-since", lastModified);
    }
    return b.build();
  }

  /**
   * Freshens {@code stored} with a 304's headers (RFC 9111 §3.2, §4.3.4): each field of the 304
   * replaces the stored field of that name. Empty when the 304 is for another representation
   * (its strong ETag or Last-Modified differs): then the stored response must not be used, and
   * the request is to be forwarded again without conditions.
   *
   * @param requestTimeMillis when the conditional request was sent
   * @param responseTimeMillis when the 304 arrived
   */
  public static Optional<CachedResponse> freshen(CachedResponse stored, HttpFields notModified,
      long requestTimeMillis, long responseTimeMillis) {
    requireNonNull(stored, "stored");
    requireNonNull(notModified, "notModified");
    String newEtag = notModified.get("etag");
    String oldEtag = stored.etag();
    if (newEtag != null) {
      if (oldEtag == null || !weakMatch(newEtag, oldEtag)) {
        return Optional.empty();
      }
    } else {
      String newLm = notModified.get("last-modified");
      if (newLm != null && stored.lastModified() != null
          && !newLm.trim().equals(stored.lastModified().trim())) {
        return Optional.empty();
      }
    }
    HttpFields update = CachedResponse.withoutHopByHop(notModified);
    HttpFields.Builder merged = stored.headers().toBuilder();
    Set<String> replaced = new HashSet<>();
    for (int i = 0; i < update.size(); i++) {
      String name = update.name(i);
      if (NOT_UPDATED.contains(name)) {
        continue;
      }
      if (replaced.add(name)) {
        merged.remove(name);
      }
      merged.add(name, update.value(i));
    }
    // Age and Date describe the exchange they came with; stale ones would misstate the new age.
    if (!update.contains("age")) {
      merged.remove("age");
    }
    if (!update.contains("date")) {
      merged.remove("date");
    }
    return Optional.of(stored.withHeaders(merged.build(), requestTimeMillis, responseTimeMillis));
  }

  /**
   * Whether the client's own conditional request is satisfied by {@code stored}, so the cache may
   * answer 304 (RFC 9110 §13.1.2, §13.1.3): If-None-Match by weak comparison, else
   * If-Modified-Since against Last-Modified.
   */
  public static boolean clientNotModified(RequestHead request, CachedResponse stored) {
    String inm = CacheKeys.nullIfAbsent(CacheKeys.fieldValue(request, "if-none-match"));
    if (inm != null) {
      String etag = stored.etag();
      if (etag == null) {
        return false;
      }
      for (String candidate : inm.split(",")) {
        String c = candidate.trim();
        if (c.equals("*") || weakMatch(c, etag)) {
          return true;
        }
      }
      return false;
    }
    String ims = request.header("if-modified-since");
    if (ims != null && stored.status() == 200) {
      long since = HttpDates.parse(ims);
      long lm = HttpDates.parse(stored.lastModified());
      return since != HttpDates.INVALID && lm != HttpDates.INVALID && lm <= since;
    }
    return false;
  }

  static boolean weakMatch(String a, String b) {
    return opaque(a).equals(opaque(b));
  }

  static boolean isStrong(String etag) {
    return !etag.trim().startsWith("W/");
  }

  private static String opaque(String etag) {
    String t = etag.trim();
    return t.startsWith("W/") ? t.substring(2) : t;
  }
}
