package dev.corral.sidecar.cache;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * Freshness and age of stored responses (RFC 9111 §4.2, §5.2) and what to do with one for a
 * given request. Times are epoch milliseconds passed in by the caller (the filter reads its
 * injected clock), durations are seconds.
 *
 * <p>There is no heuristic freshness: a response that says nothing gets the policy's
 * {@code defaultTtl}, which defaults to 0.
 */
public final class Freshness {
  private final long defaultTtlSeconds;
  private final long staleWhileRevalidateSeconds;
  private final long staleIfErrorSeconds;

  private Freshness(long defaultTtl, long swr, long sie) {
    this.defaultTtlSeconds = defaultTtl;
    this.staleWhileRevalidateSeconds = swr;
    this.staleIfErrorSeconds = sie;
  }

  public static Freshness of(CacheConfig config) {
    return new Freshness(config.defaultTtl().toSeconds(),
        config.staleWhileRevalidate().toSeconds(), config.staleIfError().toSeconds());
  }

  /** What to do with a stored response for a request. */
  public enum Action {
    /** Fresh and acceptable to the request: serve it ({@code hit}). */
    SERVE,
    /** Stale, but the request's {@code max-stale} accepts it: serve it, no revalidation. */
    SERVE_STALE,
    /** Stale within stale-while-revalidate: serve it and revalidate in the background. */
    SERVE_STALE_AND_REVALIDATE,
    /** Forward a conditional request ({@link Revalidation#conditionalHeaders}). */
    REVALIDATE,
    /** The request said {@code only-if-cached} and the stored response won't do: answer 504. */
    GATEWAY_TIMEOUT
  }

  /**
   * The decision and the numbers behind it.
   *
   * @param ttlSeconds freshness lifetime minus current age: negative when stale, which is how
   *     {@code Cache-Status: ttl} reports it (RFC 9211 §2.6)
   * @param forcedByRequest the request's own directives (no-cache, max-age, min-fresh) made a
   *     usable response unusable: {@code Cache-Status: fwd=request}
   */
  public record Verdict(Action action, long ageSeconds, long lifetimeSeconds, long ttlSeconds,
      boolean forcedByRequest) {}

  /** Freshness lifetime: s-maxage, max-age, Expires − Date, else defaultTtl (§4.2.1). */
  public long lifetimeSeconds(HttpFields headers, long responseTimeMillis) {
    return lifetime(headers, CacheControl.of(headers), responseTimeMillis);
  }

  /** Whether the response states its freshness (s-maxage, max-age or Expires). */
  public static boolean hasExplicitFreshness(HttpFields headers, CacheControl cc) {
    return cc.hasExplicitMaxAge() || headers.contains("expires");
  }

  long lifetime(HttpFields headers, CacheControl cc, long responseTimeMillis) {
    if (cc.sMaxAge() != CacheControl.ABSENT) {
      return cc.sMaxAge();
    }
    if (cc.maxAge() != CacheControl.ABSENT) {
      return cc.maxAge();
    }
    String expiresValue = headers.get("expires");
    if (expiresValue != null) {
      long expires = HttpDates.parse(expiresValue);
      if (expires == HttpDates.INVALID) {
        return 0; // "0" and other invalid dates mean: already expired (§5.3)
      }
      long date = HttpDates.parse(headers.get("date"));
      long base = date == HttpDates.INVALID ? responseTimeMillis : date;
      return Math.max(0, (expires - base) / 1000);
    }
    return defaultTtlSeconds;
  }

  /** Current age in seconds, per RFC 9111 §4.2.3. */
  public static long currentAgeSeconds(CachedResponse r, long nowMillis) {
    long residentTime = Math.max(0, nowMillis - r.responseTimeMillis());
    return (r.correctedInitialAgeMillis() + residentTime) / 1000;
  }

  /**
   * The age a response had when it was received (§4.2.3 corrected_initial_age): fixed for a
   * stored response, so computed once when it is stored, not per hit (parsing Date costs ~2 KB of
   * garbage).
   */
  static long correctedInitialAgeMillis(HttpFields headers, long requestTime, long responseTime) {
    long date = HttpDates.parse(headers.get("date"));
    long dateValue = date == HttpDates.INVALID ? responseTime : date;
    long apparentAge = Math.max(0, responseTime - dateValue);
    long responseDelay = responseTime - requestTime;
    long correctedAgeValue = ageHeaderSeconds(headers.get("age")) * 1000 + responseDelay;
    return Math.max(apparentAge, correctedAgeValue);
  }

  /** The Age field in seconds; an invalid value is ignored (0). */
  static long ageHeaderSeconds(@Nullable String age) {
    if (age == null) {
      return 0;
    }
    String v = age.trim();
    if (v.isEmpty()) {
      return 0;
    }
    long s = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return 0;
      }
      s = Math.min(CacheControl.DELTA_SECONDS_CAP, s * 10 + (c - '0'));
    }
    return s;
  }

  /** Whether the response lets a shared cache serve it stale at all (§4.2.4, §5.2.2). */
  static boolean mayServeStale(CacheControl cc) {
    // s-maxage carries proxy-revalidate's meaning for a shared cache (§5.2.2.10).
    return !cc.mustRevalidate() && !cc.proxyRevalidate() && cc.sMaxAge() == CacheControl.ABSENT
        && !cc.noCache();
  }

  /** The stale-while-revalidate window: the response's directive wins over the policy. */
  public long staleWhileRevalidateSeconds(CacheControl responseCc) {
    return responseCc.staleWhileRevalidate() != CacheControl.ABSENT
        ? responseCc.staleWhileRevalidate() : staleWhileRevalidateSeconds;
  }

  /** The stale-if-error window: the response's directive wins over the policy. */
  public long staleIfErrorSeconds(CacheControl responseCc) {
    return responseCc.staleIfError() != CacheControl.ABSENT
        ? responseCc.staleIfError() : staleIfErrorSeconds;
  }

  /** What to do with {@code stored} for a request carrying {@code requestCc}, at {@code now}. */
  public Verdict evaluate(CachedResponse stored, CacheControl requestCc, long nowMillis) {
    requireNonNull(stored, "stored");
    requireNonNull(requestCc, "requestCc");
    CacheControl cc = stored.cacheControl();
    long lifetime = lifetime(stored.headers(), cc, stored.responseTimeMillis());
    long age = currentAgeSeconds(stored, nowMillis);
    long ttl = lifetime - age;
    Action action;
    boolean forced = false;
    if (cc.noCache()) {
      action = Action.REVALIDATE; // stored only to be revalidated (§5.2.2.4)
    } else if (requestCc.noCache()) {
      action = Action.REVALIDATE;
      forced = true;
    } else if (ttl > 0) {
      if (requestCc.maxAge() != CacheControl.ABSENT && age > requestCc.maxAge()
          || requestCc.minFresh() != CacheControl.ABSENT && ttl < requestCc.minFresh()) {
        action = Action.REVALIDATE;
        forced = true;
      } else {
        action = Action.SERVE;
      }
    } else {
      long staleness = -ttl;
      boolean may = mayServeStale(cc);
      if (may && requestCc.maxStale() != CacheControl.ABSENT && staleness <= requestCc.maxStale()
          && (requestCc.maxAge() == CacheControl.ABSENT || age <= requestCc.maxAge())) {
        action = Action.SERVE_STALE;
      } else if (may && staleness <= staleWhileRevalidateSeconds(cc)
          && requestCc.maxAge() == CacheControl.ABSENT && requestCc.minFresh() == CacheControl.ABSENT) {
        action = Action.SERVE_STALE_AND_REVALIDATE;
      } else {
        action = Action.REVALIDATE;
      }
    }
    if (action == Action.REVALIDATE && requestCc.onlyIfCached()) {
      action = Action.GATEWAY_TIMEOUT;
    }
    return new Verdict(action, age, lifetime, ttl, forced);
  }

  /**
   * Whether {@code stored} may stand in for an upstream error or failure (5xx, reset, timeout),
   * within stale-if-error (RFC 5861 §4) and unless the response forbids serving it stale.
   */
  public boolean usableOnError(CachedResponse stored, long nowMillis) {
    CacheControl cc = stored.cacheControl();
    long ttl = lifetime(stored.headers(), cc, stored.responseTimeMillis())
        - currentAgeSeconds(stored, nowMillis);
    if (ttl > 0 && !cc.noCache()) {
      return true;
    }
    return mayServeStale(cc) && -ttl <= staleIfErrorSeconds(cc);
  }
}
