package dev.corral.controlplane.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code GET /api/v1/stats}:
 *
 * <pre>{@code
 * {"asOfUnixMs": 1763773200000, "windowSeconds": 30, "sidecars": 3,
 *  "services": [{"service": "images.shop.svc.cluster.local", "direction": "outbound",
 *    "requests": 3000, "rps": 100.0, "successRate": 0.99,
 *    "latencyMs": {"p50": 1.2, "p95": 8.1, "p99": 20.5},
 *    "cacheHitRatio": 0.8, "collapseRatio": 0.5, "retries": 12, "retriesPerSecond": 0.4,
 *    "ejections": 0, "sidecars": 2}]}
 * }</pre>
 *
 * A ratio or percentile with nothing to compute it from is {@code null}.
 */
public final class StatsJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StatsJson() {
  }

  public static String toJson(StatsView view) {
    try {
      return MAPPER.writeValueAsString(toTree(view));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stats JSON: " + e.getMessage(), e);
    }
  }

  public static ObjectNode toTree(StatsView view) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("asOfUnixMs", view.asOfUnixMs());
    root.put("windowSeconds", view.window().toMillis() / 1000.0);
    root.put("sidecars", view.sidecars());
    ArrayNode services = root.putArray("services");
    for (ServiceSummary s : view.services()) {
      ObjectNode node = services.addObject();
      node.put("service", s.service());
      node.put("direction", s.direction());
      node.put("requests", s.requests());
      node.put("rps", round(s.rps()));
      putNullable(node, "successRate", s.successRate());
      ObjectNode latency = node.putObject("latencyMs");
      putNullable(latency, "p50", s.p50Ms());
      putNullable(latency, "p95", s.p95Ms());
      putNullable(latency, "p99", s.p99Ms());
      putNullable(node, "cacheHitRatio", s.cacheHitRatio());
      putNullable(node, "collapseRatio", s.collapseRatio());
      node.put("retries", s.retries());
      node.put("retriesPerSecond", round(s.retriesPerSecond()));
      node.put("ejections", s.ejections());
      node.put("sidecars", s.sidecars());
    }
    return root;
  }

  private static void putNullable(ObjectNode node, String field, @Nullable Double value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, round(value));
    }
  }

  /** Four decimals: enough for ratios and milliseconds, and stable output. */
  private static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }
}
