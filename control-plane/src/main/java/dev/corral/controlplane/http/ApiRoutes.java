package dev.corral.controlplane.http;

import static java.util.Objects.requireNonNull;

import dev.corral.controlplane.stats.StatsHistory;
import dev.corral.controlplane.stats.StatsJson;
import dev.corral.controlplane.xds.AckTracker;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/** Handlers for the control plane's standard routes. */
public final class ApiRoutes {
  private ApiRoutes() {}

  /** {@code GET /api/v1/xds}: every connected sidecar's sent, ACKed and NACKed versions. */
  public static ApiHandler xdsStatus(AckTracker tracker) {
    requireNonNull(tracker, "tracker");
    return request -> ApiResponse.json(Map.of(
        "sidecars", tracker.status(),
        "rejectedPolicies", tracker.rejectedPolicies()));
  }

  /**
   * {@code GET /api/v1/stats/history[?since=UNIX_MS]}: the stats views sampled over the last ten
   * minutes (only those after {@code since}, for polling), oldest first.
   */
  public static ApiHandler statsHistory(StatsHistory history) {
    requireNonNull(history, "history");
    return request -> {
      String since = request.param("since", "0");
      long after;
      try {
        after = Long.parseLong(since);
      } catch (NumberFormatException e) {
        return ApiResponse.text(400, "since: " + since + " (expected: Unix milliseconds)\n");
      }
      return new ApiResponse(200, ApiResponse.JSON, StatsJson.toJson(
          StatsJson.historyToTree(history.interval(), history.since(after))).getBytes(StandardCharsets.UTF_8))
          .withHeader("cache-control", "no-store");
    };
  }

  /** {@code GET /metrics}: the registry in the Prometheus text format. */
  public static ApiHandler prometheus(PrometheusRegistry registry) {
    requireNonNull(registry, "registry");
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    return request -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      writer.write(out, registry.scrape());
      return new ApiResponse(200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray());
    };
  }

  /** A JSON route over whatever {@code value} supplies at request time. */
  public static ApiHandler json(Supplier<?> value) {
    requireNonNull(value, "value");
    return request -> ApiResponse.json(value.get());
  }

  /** The placeholder for {@code /api/v1/stats} until stats aggregation registers its handler. */
  static ApiHandler emptyStats() {
    return request -> ApiResponse.json(Map.of("services", java.util.List.of()));
  }
}
