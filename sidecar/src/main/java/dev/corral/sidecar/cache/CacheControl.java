package dev.corral.sidecar.cache;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The Cache-Control directives a shared cache acts on (RFC 9111 §5.2), parsed from a request or
 * a response. Durations are seconds; {@link #ABSENT} when the directive is missing.
 *
 * <p>Parsing is forgiving, since this is untrusted input: unknown directives are ignored, an
 * invalid or duplicated {@code max-age}/{@code s-maxage} makes the response stale (the most
 * restrictive reading, RFC 9111 §4.2.1), other invalid values are ignored, and values past 2^31
 * are capped at 2^31 (§1.2.2). Qualified {@code private="x"} and {@code no-cache="x"} are read as
 * their unqualified, stricter forms.
 */
public record CacheControl(
    boolean noStore,
    boolean noCache,
    boolean isPrivate,
    boolean isPublic,
    boolean mustRevalidate,
    boolean proxyRevalidate,
    long maxAge,
    long sMaxAge,
    long staleWhileRevalidate,
    long staleIfError,
    long maxStale,
    long minFresh,
    boolean onlyIfCached) {

  public static final long ABSENT = -1;
  /** {@code max-stale} without a value: any staleness is acceptable. */
  public static final long UNBOUNDED = Long.MAX_VALUE;
  static final long DELTA_SECONDS_CAP = 2147483648L;

  public static final CacheControl NONE =
      new CacheControl(false, false, false, false, false, false,
          ABSENT, ABSENT, ABSENT, ABSENT, ABSENT, ABSENT, false);

  /** Parses every Cache-Control line of these fields. */
  public static CacheControl of(HttpFields fields) {
    return parse(fields.getAll("cache-control"));
  }

  public static CacheControl parse(List<String> lines) {
    if (lines.isEmpty()) {
      return NONE;
    }
    Parser p = new Parser();
    for (String line : lines) {
      p.parseLine(line);
    }
    return p.result();
  }

  /** Whether the response states its freshness explicitly through Cache-Control. */
  boolean hasExplicitMaxAge() {
    return maxAge != ABSENT || sMaxAge != ABSENT;
  }

  private static final class Parser {
    boolean noStore, noCache, isPrivate, isPublic, mustRevalidate, proxyRevalidate, onlyIfCached;
    long maxAge = ABSENT, sMaxAge = ABSENT, swr = ABSENT, sie = ABSENT, maxStale = ABSENT,
        minFresh = ABSENT;

    void parseLine(String s) {
      int i = 0;
      int n = s.length();
      while (i < n) {
        // directive name
        while (i < n && (s.charAt(i) == ',' || s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
          i++;
        }
        int start = i;
        while (i < n && s.charAt(i) != '=' && s.charAt(i) != ',') {
          i++;
        }
        String name = s.substring(start, i).trim().toLowerCase(Locale.ROOT);
        @Nullable String value = null;
        if (i < n && s.charAt(i) == '=') {
          i++;
          while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
          }
          if (i < n && s.charAt(i) == '"') {
            StringBuilder v = new StringBuilder();
            i++;
            while (i < n && s.charAt(i) != '"') {
              if (s.charAt(i) == '\\' && i + 1 < n) {
                i++;
              }
              v.append(s.charAt(i++));
            }
            i++; // closing quote (or end)
            value = v.toString();
            while (i < n && s.charAt(i) != ',') {
              i++;
            }
          } else {
            int vs = i;
            while (i < n && s.charAt(i) != ',') {
              i++;
            }
            value = s.substring(vs, i).trim();
          }
        }
        if (!name.isEmpty()) {
          apply(name, value);
        }
      }
    }

    void apply(String name, @Nullable String value) {
      switch (name) {
        case "no-store" -> noStore = true;
        case "no-cache" -> noCache = true;
        case "private" -> isPrivate = true;
        case "public" -> isPublic = true;
        case "must-revalidate" -> mustRevalidate = true;
        case "proxy-revalidate" -> proxyRevalidate = true;
        case "only-if-cached" -> onlyIfCached = true;
        case "max-age" -> maxAge = restrictive(maxAge, seconds(value));
        case "s-maxage" -> sMaxAge = restrictive(sMaxAge, seconds(value));
        case "stale-while-revalidate" -> swr = lenient(swr, seconds(value));
        case "stale-if-error" -> sie = lenient(sie, seconds(value));
        case "min-fresh" -> minFresh = lenient(minFresh, seconds(value));
        case "max-stale" -> maxStale = value == null ? UNBOUNDED : lenient(maxStale, seconds(value));
        default -> { } // extensions we don't understand are ignored (RFC 9111 §5.2.3)
      }
    }

    /** Invalid (-2) reads as 0: stale. Duplicates keep the smallest. */
    private static long restrictive(long current, long parsed) {
      long v = parsed < 0 ? 0 : parsed;
      return current == ABSENT ? v : Math.min(current, v);
    }

    /** Invalid (-2) is ignored. */
    private static long lenient(long current, long parsed) {
      if (parsed < 0) {
        return current;
      }
      return current == ABSENT ? parsed : Math.min(current, parsed);
    }

    /** delta-seconds, capped at 2^31; -2 when missing or invalid. */
    private static long seconds(@Nullable String value) {
      if (value == null || value.isEmpty()) {
        return -2;
      }
      long v = 0;
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c < '0' || c > '9') {
          return -2;
        }
        v = Math.min(DELTA_SECONDS_CAP, v * 10 + (c - '0'));
      }
      return v;
    }

    CacheControl result() {
      return new CacheControl(noStore, noCache, isPrivate, isPublic, mustRevalidate,
          proxyRevalidate, maxAge, sMaxAge, swr, sie, maxStale, minFresh, onlyIfCached);
    }
  }
}
