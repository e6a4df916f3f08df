package dev.corral.controlplane.translate;

import com.google.protobuf.Any;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.model.ServiceKey;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.List;
import java.util.Map;

/**
 * The cache and collapse filters (ARCHITECTURE.md "Where cache and collapse sit"): the HTTP
 * filters that go in front of the router, in the order stats → cache → collapse, and the per-route
 * {@code typed_per_filter_config} that turns them on or off per target Service.
 *
 * <p>Client placement goes in the outbound listener of every caller; Server placement in the
 * inbound listener of each pod of the target Service. {@link #fromPolicies()} maps CachePolicy /
 * CollapsePolicy to {@code envoy.filters.http.cache} and {@code corral.filters.http.collapse};
 * {@link #none()} leaves only the router.
 */
public interface PlacementFilters {

  /** Filters for the outbound listener of a sidecar described by {@code node}, before the router. */
  List<HttpFilter> client(MeshModel model, NodeContext node);

  /**
   * The {@code typed_per_filter_config} of the outbound route to {@code service}; names only
   * filters that {@link #client} put in the listener.
   */
  Map<String, Any> clientRoute(MeshModel model, ServiceKey service);

  /** Filters for the inbound listener of a sidecar described by {@code node}, before the router. */
  List<HttpFilter> server(MeshModel model, NodeContext node);

  /** The {@code typed_per_filter_config} of the inbound route to the node's app. */
  Map<String, Any> serverRoute(MeshModel model, NodeContext node);

  /** Only the router. */
  static PlacementFilters none() {
    return new PlacementFilters() {
      @Override
      public List<HttpFilter> client(MeshModel model, NodeContext node) {
        return List.of();
      }

      @Override
      public Map<String, Any> clientRoute(MeshModel model, ServiceKey service) {
        return Map.of();
      }

      @Override
      public List<HttpFilter> server(MeshModel model, NodeContext node) {
        return List.of();
      }

      @Override
      public Map<String, Any> serverRoute(MeshModel model, NodeContext node) {
        return Map.of();
      }
    };
  }

  /** The filters the model's CachePolicies and CollapsePolicies ask for ({@link PolicyPlacement}). */
  static PlacementFilters fromPolicies() {
    return PolicyPlacement.INSTANCE;
  }
}
