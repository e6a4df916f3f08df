package dev.corral.sidecar.stats.report;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Which side of a service the sidecar saw: it calls the service, or it serves it. */
public enum Direction {
  OUTBOUND,
  INBOUND;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The name used in {@code ServiceStats.direction}: {@code outbound} or {@code inbound}. */
  public String wireName() {
    return wireName;
  }

  /** The direction named {@code wireName}, or null for any other string. */
  public static @Nullable Direction fromWireName(String wireName) {
    return switch (wireName) {
      case "outbound" -> OUTBOUND;
      case "inbound" -> INBOUND;
      default -> null;
    };
  }
}
