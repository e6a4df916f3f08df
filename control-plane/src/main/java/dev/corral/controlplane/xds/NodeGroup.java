package dev.corral.controlplane.xds;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;

/**
 * Maps a sidecar's {@link Node} to the group whose snapshot it receives. Sidecars of one group
 * share one snapshot, so the function must depend only on what makes their configuration equal.
 */
@FunctionalInterface
public interface NodeGroup {

  /** The metadata key naming the workload (the Deployment or StatefulSet) a sidecar belongs to. */
  String WORKLOAD_KEY = "workload";

  String groupOf(Node node);

  /**
   * The default: {@code <namespace>/<workload>}, where the namespace is the part of the node id
   * after its last dot ({@code pod.namespace}; namespaces have no dots, pod names may) and the
   * workload is the string metadata field {@code workload}. A missing part is left empty.
   */
  static NodeGroup namespaceAndWorkload() {
    return node -> {
      String id = node.getId();
      int dot = id.lastIndexOf('.');
      String namespace = dot < 0 ? "" : id.substring(dot + 1);
      Value workload = node.getMetadata().getFieldsOrDefault(WORKLOAD_KEY, null);
      String w = workload != null && workload.hasStringValue() ? workload.getStringValue() : "";
      return namespace + "/" + w;
    };
  }

  /** Every node in one group: for local mode and tests. */
  static NodeGroup single(String group) {
    requireNonNull(group, "group");
    return node -> group;
  }
}
