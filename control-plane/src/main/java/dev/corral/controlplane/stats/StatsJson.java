package dev.corral.controlplane.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
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
 *    "ejections": 0, "sidecars": 2}],
 *  "edges": [{"source": "frontend.shop.svc.cluster.local", "destination": "images.shop.svc.cluster.local",
 *    "requests": 3000, "rps": 100.0, "successRate": 0.99, "latencyMs": {…}, …}]}
 * }</pre>
 *
 * An edge is a call from one service to another as the callers' sidecars counted it, with the
 * fields of a service entry. A ratio or percentile with nothing to compute it from is {@code null}.
 * {@link #historyToTree} renders the history: {@code {"intervalSeconds": 5, "points": [view, …]}}.
 */
public final class StatsJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StatsJson() {
  }

  public static String toJson(StatsView view) {
    return toJson(toTree(view));
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
      putSummary(node, s);
    }
    ArrayNode edges = root.putArray("edges");
    for (EdgeSummary e : view.edges()) {
      ObjectNode node = edges.addObject();
      node.put("source", e.source());
      node.put("destination", e.destination());
      putSummary(node, e.stats());
    }
    return root;
  }

  /** The history's body: the sampling interval and every view, oldest first. */
  public static ObjectNode historyToTree(Duration interval, List<StatsView> views) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("intervalSeconds", interval.toMillis() / 1000.0);
    ArrayNode points = root.putArray("points");
    views.forEach(view -> points.add(toTree(view)));
    return root;
  }

  public static String toJson(ObjectNode tree) {
    try {
      return MAPPER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stats JSON: " + e.getMessage(), e);
    }
  }

  private static void putSummary(ObjectNode node, ServiceSummary s) {
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
