package dev.corral.sidecar.cache;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** HTTP-date (RFC 9110 §5.6.7) to and from epoch milliseconds. */
public final class HttpDates {
  /** Returned for a missing or unparsable date. */
  public static final long INVALID = Long.MIN_VALUE;

  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter RFC_850 =
      DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC);

  private HttpDates() {}

  /** Epoch millis of an IMF-fixdate, RFC 850 or asctime date, else {@link #INVALID}. */
  public static long parse(@Nullable String value) {
    if (value == null) {
      return INVALID;
    }
    String v = value.trim();
    for (DateTimeFormatter f : new DateTimeFormatter[] {IMF_FIXDATE, RFC_850, ASCTIME}) {
      try {
        return ZonedDateTime.parse(v, f).toInstant().toEpochMilli();
      } catch (DateTimeParseException e) {
        // try the next format
      }
    }
    return INVALID;
  }

  /** IMF-fixdate, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
  public static String format(long epochMillis) {
    return IMF_FIXDATE.format(Instant.ofEpochMilli(epochMillis));
  }
}
