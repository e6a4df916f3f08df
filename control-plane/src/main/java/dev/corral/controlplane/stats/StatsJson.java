package dev.corral.controlplane.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code GET /api/v1/stats}:
 *
 * <pre>{@code
 * {"asOfUnixMs": 1763773200000, "windowSeconds": 30, "sidecars": 3,
 *  "services": [{"service": "images.shop.svc.cluster.local", "namespace": "shop", "name": "images",
 *    "direction": "outbound", "pods": {"meshed": 2, "total": 3},
 *    "requests": 3000, "rps": 100.0, "errors": 30, "successRate": 0.99,
 *    "latencyMs": {"p50": 1.2, "p95": 8.1, "p99": 20.5},
 *    "cacheHitRatio": 0.8, "collapseRatio": 0.5, "retries": 12, "retriesPerSecond": 0.4,
 *    "ejections": 0, "sidecars": 2}]}
 * }</pre>
 *
 * A ratio or percentile with nothing to compute it from is {@code null}; so are {@code namespace}
 * and {@code name} when the service is not a cluster name ({@code name.namespace[.svc…]}), and
 * {@code pods} when the service is not in the mesh model. {@code pods.total} counts the
 * Service's endpoints, {@code pods.meshed} those whose pod's sidecar is connected.
 */
public final class StatsJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StatsJson() {
  }

  /** What is known about a service's pods, from the mesh model and the connected sidecars. */
  public record Pods(int meshed, int total) {}

  /** The namespace and name of a cluster service name, e.g. {@code images.shop.svc.cluster.local}. */
  public record ServiceName(String namespace, String name) {
    /** Null when {@code service} has no namespace part (a static bootstrap's cluster name). */
    public static @Nullable ServiceName parse(String service) {
      String[] labels = service.split("\\.", -1);
      if (labels.length < 2 || labels[0].isEmpty() || labels[1].isEmpty()) {
        return null;
      }
      return new ServiceName(labels[1], labels[0]);
    }
  }

  public static String toJson(StatsView view) {
    return toJson(view, service -> null);
  }

  public static String toJson(StatsView view, Function<String, @Nullable Pods> pods) {
    try {
      return MAPPER.writeValueAsString(toTree(view, pods));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stats JSON: " + e.getMessage(), e);
    }
  }

  public static ObjectNode toTree(StatsView view) {
    return toTree(view, service -> null);
  }

  public static ObjectNode toTree(StatsView view, Function<String, @Nullable Pods> podsOf) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("asOfUnixMs", view.asOfUnixMs());
    root.put("windowSeconds", view.window().toMillis() / 1000.0);
    root.put("sidecars", view.sidecars());
    ArrayNode services = root.putArray("services");
    for (ServiceSummary s : view.services()) {
      ObjectNode node = services.addObject();
      node.put("service", s.service());
      ServiceName name = ServiceName.parse(s.service());
      node.put("namespace", name == null ? null : name.namespace());
      node.put("name", name == null ? null : name.name());
      node.put("direction", s.direction());
      Pods pods = podsOf.apply(s.service());
      if (pods == null) {
        node.putNull("pods");
      } else {
        node.putObject("pods").put("meshed", pods.meshed()).put("total", pods.total());
      }
      node.put("requests", s.requests());
      node.put("rps", round(s.rps()));
      node.put("errors", s.errors());
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
