package dev.corral.sidecar.bootstrap;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.Set;

/**
 * Validates one xDS resource with the bootstrap's rules: the allowlist rows of its place in a
 * bootstrap ({@code static_resources.clusters}, {@code static_resources.listeners}, an HCM's
 * {@code route_config}, a cluster's {@code load_assignment}) and the same semantic checks. Errors
 * name the path from the resource's root, e.g. {@code filter_chains[0].filters[0].name}.
 */
public final class ResourceChecks {
  private static final AllowlistWalk WALK = new AllowlistWalk(BootstrapLoader.TYPES);
  private static final Set<String> BOOTSTRAP_ROWS = SupportedFields.forType(SupportedFields.BOOTSTRAP);
  private static final Set<String> HCM_ROWS = SupportedFields.forType(SupportedFields.HCM);

  private ResourceChecks() {}

  public static void listener(Listener listener) {
    run(listener, BOOTSTRAP_ROWS, "static_resources.listeners",
        () -> SemanticChecks.checkDynamicListener(listener));
  }

  public static void cluster(Cluster cluster) {
    run(cluster, BOOTSTRAP_ROWS, "static_resources.clusters", () -> SemanticChecks.checkDynamicCluster(cluster));
  }

  public static void routeConfiguration(RouteConfiguration routes) {
    run(routes, HCM_ROWS, "route_config", () -> SemanticChecks.checkRouteConfiguration(routes));
  }

  public static void clusterLoadAssignment(ClusterLoadAssignment assignment) {
    run(assignment, BOOTSTRAP_ROWS, "static_resources.clusters.load_assignment",
        () -> SemanticChecks.checkClusterLoadAssignment(assignment));
  }

  private static void run(Message resource, Set<String> rows, String prefix, Runnable semantics) {
    try {
      WALK.walk(resource, rows, prefix, "");
      semantics.run();
    } catch (ConfigException e) {
      // Semantic checks build paths as prefix + ".field"; from the resource's root the prefix is empty.
      if (e.path().startsWith(".")) {
        String problem = e.getMessage().substring(e.path().length() + 2);
        throw new ConfigException(e.path().substring(1), problem);
      }
      throw e;
    }
  }
}
