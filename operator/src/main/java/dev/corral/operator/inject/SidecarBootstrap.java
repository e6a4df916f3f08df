package dev.corral.operator.inject;

import dev.corral.api.AdsBootstrap;
import dev.corral.api.WellKnown;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;

/**
 * The Envoy v3 bootstrap of an injected sidecar, generated from its pod (docs/bootstrap.md): node
 * id {@code <pod>.<namespace>}, node metadata with the workload and namespace (the control plane's
 * node group) and the stats address, admin on loopback, and ADS to the control plane: the same
 * {@link AdsBootstrap} as local sidecars', with the pod's values.
 */
final class SidecarBootstrap {
  private SidecarBootstrap() {}

  static final String XDS_CLUSTER = "corral-xds";

  /**
   * @param podName the node id's pod part; a pod created from a template has no name yet when it
   *     is admitted, so the injector passes {@code $(CORRAL_POD_NAME)}, which the kubelet expands
   */
  static String yaml(Pod pod, PodEnvironment env, InjectionConfig config, String podName) {
    HostPort controlPlane = HostPort.parse("controlPlaneAddress", config.controlPlaneAddress());
    String workload = workload(pod);
    return AdsBootstrap.node(podName + "." + env.namespace(),
            service(pod, workload) + "." + env.namespace() + ".svc.cluster.local")
        .metadata("workload", workload)
        .metadata("namespace", env.namespace())
        .metadata("corral.stats_address", config.controlPlaneAddress())
        .admin("127.0.0.1", WellKnown.SIDECAR_ADMIN_PORT)
        .xds(env.controlPlaneIp(), controlPlane.port())
        .xdsCluster(XDS_CLUSTER)
        .yaml();
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
