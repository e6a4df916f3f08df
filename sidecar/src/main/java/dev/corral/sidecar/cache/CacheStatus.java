package dev.corral.sidecar.cache;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One member of the {@code Cache-Status} response field (RFC 9211) for this cache, e.g.
 * {@code corral; hit; ttl=42} or {@code corral; fwd=miss; stored}. Immutable; each wither
 * returns a copy.
 */
public final class CacheStatus {
  public static final String HEADER = "cache-status";
  public static final String CACHE_NAME = "corral";

  /** Why the request went forward (RFC 9211 §2.2). */
  public enum Fwd {
    /** The cache was configured not to handle this request (e.g. a method it does not cache). */
    BYPASS,
    /** The method is not cacheable. */
    METHOD,
    /** Nothing stored for the URI. */
    URI_MISS,
    /** Something stored for the URI, but not matching this request's Vary / key headers. */
    VARY_MISS,
    /** Nothing usable stored. */
    MISS,
    /** The request's directives (no-cache, max-age, min-fresh) ruled the stored response out. */
    REQUEST,
    /** A stored response was stale and was revalidated (or, on error, served). */
    STALE,
    /** A partial response was stored; the rest was fetched. */
    PARTIAL;

    String token() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final boolean hit;
  private final @Nullable Fwd fwd;
  private final int fwdStatus;
  private final @Nullable Long ttl;
  private final boolean stored;
  private final boolean collapsed;
  private final @Nullable String detail;

  private CacheStatus(boolean hit, @Nullable Fwd fwd, int fwdStatus, @Nullable Long ttl,
      boolean stored, boolean collapsed, @Nullable String detail) {
    this.hit = hit;
    this.fwd = fwd;
    this.fwdStatus = fwdStatus;
    this.ttl = ttl;
    this.stored = stored;
    this.collapsed = collapsed;
    this.detail = detail;
  }

  /** Served from the cache without going forward. */
  public static CacheStatus hit() {
    return new CacheStatus(true, null, 0, null, false, false, null);
  }

  /** Went forward, for this reason. */
  public static CacheStatus forward(Fwd reason) {
    return new CacheStatus(false, requireNonNull(reason, "reason"), 0, null, false, false, null);
  }

  /** Maps a store lookup's miss to its {@code fwd} reason. */
  public static CacheStatus forward(CacheStore.Outcome miss) {
    return switch (miss) {
      case URI_MISS -> forward(Fwd.URI_MISS);
      case VARY_MISS -> forward(Fwd.VARY_MISS);
      case HIT -> throw new IllegalArgumentException("miss: HIT (expected: a miss)");
    };
  }

  /** The status the next hop answered with (only meaningful with a {@code fwd}). */
  public CacheStatus fwdStatus(int status) {
    return new CacheStatus(hit, fwd, status, ttl, stored, collapsed, detail);
  }

  /** Remaining freshness in seconds; negative when served stale. */
  public CacheStatus ttl(long seconds) {
    return new CacheStatus(hit, fwd, fwdStatus, seconds, stored, collapsed, detail);
  }

  /** The forwarded response was stored. */
  public CacheStatus stored() {
    return new CacheStatus(hit, fwd, fwdStatus, ttl, true, collapsed, detail);
  }

  /** The forward was shared with other requests (collapsed forwarding). */
  public CacheStatus collapsed() {
    return new CacheStatus(hit, fwd, fwdStatus, ttl, stored, true, detail);
  }

  /** Free-form detail, e.g. {@code stale-if-error} or a storability reason. */
  public CacheStatus detail(String text) {
    return new CacheStatus(hit, fwd, fwdStatus, ttl, stored, collapsed,
        requireNonNull(text, "text"));
  }

  /** This cache's member, e.g. {@code corral; fwd=stale; fwd-status=304; ttl=60}. */
  public String value() {
    StringBuilder sb = new StringBuilder(CACHE_NAME);
    if (hit) {
      sb.append("; hit");
    }
    if (fwd != null) {
      sb.append("; fwd=").append(fwd.token());
    }
    if (fwdStatus != 0) {
      sb.append("; fwd-status=").append(fwdStatus);
    }
    if (ttl != null) {
      sb.append("; ttl=").append(ttl.longValue());
    }
    if (stored) {
      sb.append("; stored");
    }
    if (collapsed) {
      sb.append("; collapsed");
    }
    if (detail != null) {
      sb.append("; detail=").append(isToken(detail) ? detail : quoted(detail));
    }
    return sb.toString();
  }

  /**
   * The whole field value with this member appended: caches nearer the client come later in the
   * list (RFC 9211 §2), so an upstream cache's members are kept in front.
   */
  public String appendTo(@Nullable String existing) {
    return existing == null || existing.isBlank() ? value() : existing.trim() + ", " + value();
  }

  @Override
  public String toString() {
    return value();
  }

  /** An sf-token (RFC 8941 §3.3.4). */
  private static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    char first = s.charAt(0);
    if (!(Character.isLetter(first) && first < 128) && first != '*') {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = c < 128 && (Character.isLetterOrDigit(c) || ":/!#$%&'*+-.^_`|~".indexOf(c) >= 0);
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static String quoted(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        continue; // not allowed in an sf-string
      }
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('"').toString();
  }
}
