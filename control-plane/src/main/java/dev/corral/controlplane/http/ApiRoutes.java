package dev.corral.controlplane.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.api.v1alpha1.Durations;
import dev.corral.controlplane.stats.StatsAggregator;
import dev.corral.controlplane.stats.StatsJson;
import dev.corral.controlplane.stats.StatsView;
import dev.corral.controlplane.status.XdsSync;
import dev.corral.controlplane.xds.AckTracker;
import dev.corral.controlplane.xds.SnapshotPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.function.Supplier;

/** Handlers for the control plane's standard routes. */
public final class ApiRoutes {
  private static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private ApiRoutes() {}

  /** {@code GET /api/v1/xds}: every connected sidecar's sent, ACKed and NACKed versions. */
  public static ApiHandler xdsStatus(AckTracker tracker) {
    requireNonNull(tracker, "tracker");
    return request -> ApiResponse.json(Map.of(
        "sidecars", tracker.status(),
        "rejectedPolicies", tracker.rejectedPolicies()));
  }

  /**
   * {@code GET /api/v1/xds}: as {@link #xdsStatus(AckTracker)}, plus each sidecar's
   * {@code upToDate} and {@code behind} (types not ACKed at the latest version), the versions
   * published now per node group ({@code latestVersions}) and whether a change is being published.
   */
  public static ApiHandler xdsStatus(AckTracker tracker, SnapshotPublisher publisher) {
    requireNonNull(tracker, "tracker");
    requireNonNull(publisher, "publisher");
    return request -> {
      XdsSync sync = XdsSync.of(tracker, publisher);
      ArrayNode sidecars = MAPPER.createArrayNode();
      List<AckTracker.SidecarStatus> status = tracker.status();
      for (AckTracker.SidecarStatus s : status) {
        ObjectNode node = MAPPER.valueToTree(s);
        sync.sidecars().stream().filter(x -> x.nodeId().equals(s.nodeId()) && x.group().equals(s.group()))
            .findFirst().ifPresent(x -> {
              node.put("upToDate", x.upToDate());
              node.set("behind", MAPPER.valueToTree(x.behind()));
            });
        sidecars.add(node);
      }
      ObjectNode root = MAPPER.createObjectNode();
      root.set("sidecars", sidecars);
      root.set("rejectedPolicies", MAPPER.valueToTree(tracker.rejectedPolicies()));
      root.set("latestVersions", MAPPER.valueToTree(sync.latest()));
      root.put("publishing", sync.publishing());
      return ApiResponse.json(root);
    };
  }

  /**
   * {@code GET /api/v1/stats[?window=10s][&namespace=shop]}: the aggregator's view, over a shorter
   * window when asked (a longer one is refused with 400: older buckets are gone), of one namespace
   * when asked. {@code pods} adds each service's meshed / total pods.
   */
  public static ApiHandler stats(StatsAggregator aggregator, Function<String, StatsJson.@Nullable Pods> pods) {
    requireNonNull(aggregator, "aggregator");
    requireNonNull(pods, "pods");
    return request -> {
      String windowParam = request.param("window", "");
      StatsView view;
      if (windowParam.isEmpty()) {
        view = aggregator.view();
      } else {
        Duration window;
        try {
          window = Durations.parse(windowParam);
        } catch (IllegalArgumentException e) {
          return ApiResponse.text(400, "window: " + windowParam + " (expected: a duration such as 10s or 1m)\n");
        }
        Duration max = aggregator.window();
        if (window.isZero() || window.isNegative() || window.compareTo(max) > 0) {
          return ApiResponse.text(400, ("window: %s (expected: > 0 and <= %s, the control plane's stats window;"
              + " start it with a longer --stats-window-s to look further back)\n").formatted(windowParam, text(max)));
        }
        view = aggregator.view(window);
      }
      String namespace = request.param("namespace", "");
      if (!namespace.isEmpty()) {
        view = new StatsView(view.asOfUnixMs(), view.window(), view.sidecars(), view.services().stream()
            .filter(s -> {
              StatsJson.ServiceName name = StatsJson.ServiceName.parse(s.service());
              return name != null && name.namespace().equals(namespace);
            }).toList());
      }
      return new ApiResponse(200, ApiResponse.JSON, StatsJson.toJson(view, pods).getBytes(StandardCharsets.UTF_8));
    };
  }

  /** {@code 30s}, {@code 2.5s}. */
  private static String text(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() / 1000.0 + "s";
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
