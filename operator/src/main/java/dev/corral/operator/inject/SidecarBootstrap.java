package dev.corral.operator.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.corral.api.WellKnown;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Envoy v3 bootstrap of an injected sidecar, generated from its pod (docs/bootstrap.md): node
 * id {@code <pod>.<namespace>}, node metadata with the workload and namespace (the control plane's
 * node group) and the stats address, admin on loopback, and ADS to the control plane.
 */
final class SidecarBootstrap {
  private SidecarBootstrap() {}

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
  static final String XDS_CLUSTER = "corral-xds";

  /**
   * @param podName the node id's pod part; a pod created from a template has no name yet when it
   *     is admitted, so the injector passes {@code $(CORRAL_POD_NAME)}, which the kubelet expands
   */
  static String yaml(Pod pod, PodEnvironment env, InjectionConfig config, String podName) {
    HostPort controlPlane = HostPort.parse("controlPlaneAddress", config.controlPlaneAddress());
    String workload = workload(pod);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("workload", workload);
    metadata.put("namespace", env.namespace());
    metadata.put("corral.stats_address", config.controlPlaneAddress());

    Map<String, Object> node = new LinkedHashMap<>();
    node.put("id", podName + "." + env.namespace());
    node.put("cluster", service(pod, workload) + "." + env.namespace() + ".svc.cluster.local");
    node.put("metadata", metadata);

    Map<String, Object> xds = new LinkedHashMap<>();
    xds.put("name", XDS_CLUSTER);
    xds.put("type", "STATIC");
    xds.put("connect_timeout", "1s");
    xds.put("typed_extension_protocol_options", Map.of(
        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions", Map.of(
            "@type", "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
            "explicit_http_config", Map.of("http2_protocol_options", Map.of()))));
    xds.put("load_assignment", Map.of(
        "cluster_name", XDS_CLUSTER,
        "endpoints", List.of(Map.of("lb_endpoints", List.of(Map.of("endpoint",
            Map.of("address", socket(env.controlPlaneIp(), controlPlane.port()))))))));

    Map<String, Object> dynamic = new LinkedHashMap<>();
    dynamic.put("ads_config", Map.of(
        "api_type", "GRPC",
        "transport_api_version", "V3",
        "grpc_services", List.of(Map.of("envoy_grpc", Map.of("cluster_name", XDS_CLUSTER)))));
    dynamic.put("lds_config", Map.of("ads", Map.of(), "resource_api_version", "V3"));
    dynamic.put("cds_config", Map.of("ads", Map.of(), "resource_api_version", "V3"));

    Map<String, Object> bootstrap = new LinkedHashMap<>();
    bootstrap.put("node", node);
    bootstrap.put("admin", Map.of("address", socket("127.0.0.1", WellKnown.SIDECAR_ADMIN_PORT)));
    bootstrap.put("static_resources", Map.of("clusters", List.of(xds)));
    bootstrap.put("dynamic_resources", dynamic);
    try {
      return YAML.writeValueAsString(bootstrap);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> socket(String address, int port) {
    return Map.of("socket_address", Map.of("address", address, "port_value", port));
  }

  /**
   * The pod's workload: its controller (a ReplicaSet's Deployment, found by stripping the
   * pod-template-hash), else its {@code app.kubernetes.io/name} or {@code app} label, else its
   * name (or generateName without the trailing dash).
   */
  static String workload(Pod pod) {
    if (pod.getMetadata() == null) {
      return "";
    }
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    OwnerReference owner = owners.stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst()
        .orElse(owners.isEmpty() ? null : owners.get(0));
    if (owner != null && owner.getName() != null) {
      String hash = SidecarInjector.labels(pod).get("pod-template-hash");
      if ("ReplicaSet".equals(owner.getKind()) && hash != null && owner.getName().endsWith("-" + hash)) {
        return owner.getName().substring(0, owner.getName().length() - hash.length() - 1);
      }
      return owner.getName();
    }
    String app = appLabel(pod);
    if (app != null) {
      return app;
    }
    String name = pod.getMetadata().getName();
    if (name != null && !name.isEmpty()) {
      return name;
    }
    String generate = pod.getMetadata().getGenerateName();
    return generate == null ? "" : generate.replaceAll("-$", "");
  }

  /** The Service the pod most likely serves, for inbound stats: its app label, else its workload. */
  private static String service(Pod pod, String workload) {
    String app = appLabel(pod);
    return app != null ? app : workload;
  }

  private static @org.jspecify.annotations.Nullable String appLabel(Pod pod) {
    Map<String, String> labels = SidecarInjector.labels(pod);
    String app = labels.get("app.kubernetes.io/name");
    return app != null ? app : labels.get("app");
  }
}
