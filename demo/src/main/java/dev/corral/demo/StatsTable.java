package dev.corral.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The control plane's {@code GET /api/v1/stats} as a table, one row per service and direction. */
final class StatsTable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] HEADER = {"SERVICE", "DIRECTION", "RPS", "SUCCESS", "P50", "P99", "CACHE HIT",
      "COLLAPSED", "RETRIES"};

  private StatsTable() {}

  static String render(String statsJson) throws IOException {
    JsonNode root = JSON.readTree(statsJson);
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (JsonNode s : root.path("services")) {
      rows.add(new String[] {
          shortName(s.path("service").asText()),
          s.path("direction").asText(),
          String.format(Locale.ROOT, "%.1f", s.path("rps").asDouble()),
          percent(s.path("successRate"), 2),
          millis(s.path("latencyMs").path("p50")),
          millis(s.path("latencyMs").path("p99")),
          percent(s.path("cacheHitRatio"), 1),
          percent(s.path("collapseRatio"), 1),
          Long.toString(s.path("retries").asLong())});
    }
    int[] widths = new int[HEADER.length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        // Names left-aligned, numbers right-aligned.
        String cell = i < 2 ? pad(r[i], widths[i], false) : pad(r[i], widths[i], true);
        out.append(i == 0 ? "" : "  ").append(cell);
      }
      out.append('\n');
    }
    out.append(String.format(Locale.ROOT, "(window %.0fs, %d sidecars reporting)%n",
        root.path("windowSeconds").asDouble(), root.path("sidecars").asInt()));
    return out.toString();
  }

  /** {@code images.shop.svc.cluster.local} → {@code images.shop}. */
  static String shortName(String fqdn) {
    return fqdn.endsWith(".svc.cluster.local") ? fqdn.substring(0, fqdn.length() - ".svc.cluster.local".length()) : fqdn;
  }

  private static String percent(JsonNode ratio, int decimals) {
    return ratio.isNumber() ? String.format(Locale.ROOT, "%." + decimals + "f%%", 100 * ratio.asDouble()) : "-";
  }

  private static String millis(JsonNode ms) {
    return ms.isNumber() ? String.format(Locale.ROOT, "%.1f ms", ms.asDouble()) : "-";
  }

  private static String pad(String s, int width, boolean right) {
    String spaces = " ".repeat(width - s.length());
    return right ? spaces + s : s + spaces;
  }
}
