package dev.corral.controlplane.translate;

import dev.corral.controlplane.model.MeshModel;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.List;

/**
 * HOOK for the cache and collapse filters (ARCHITECTURE.md "Where cache and collapse sit"): the
 * HTTP filters that go in front of the router, in the order stats → cache → collapse.
 *
 * <p>Client placement goes in the outbound listener of every caller; Server placement in the
 * inbound listener of each pod of the target Service. The sidecar accepts only the router today
 * (docs/bootstrap.md), so {@link #none()} is what {@link Translator} uses until the sidecar's
 * filters land; then an implementation maps CachePolicy / CollapsePolicy to
 * {@code envoy.filters.http.cache} and the {@code corral.v1alpha1} extension protos, and
 * {@link PolicyIndex} names those policies for the listeners.
 */
public interface PlacementFilters {

  /** Filters for the outbound listener of a sidecar described by {@code node}, before the router. */
  List<HttpFilter> client(MeshModel model, NodeContext node);

  /** Filters for the inbound listener of a sidecar described by {@code node}, before the router. */
  List<HttpFilter> server(MeshModel model, NodeContext node);

  /** Only the router: what the sidecar supports today. */
  static PlacementFilters none() {
    return new PlacementFilters() {
      @Override
      public List<HttpFilter> client(MeshModel model, NodeContext node) {
        return List.of();
      }

      @Override
      public List<HttpFilter> server(MeshModel model, NodeContext node) {
        return List.of();
      }
    };
  }
}
