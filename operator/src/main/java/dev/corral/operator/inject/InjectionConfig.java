package dev.corral.operator.inject;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.List;

/**
 * What the injector adds to a pod: images, the sidecar's resources and JVM flags, where the
 * control plane is, and the ports and CIDRs never redirected, whatever the pod's annotations say.
 * The Helm chart's sidecar defaults end up here.
 *
 * @param version written to the pod's {@code corral.dev/injected} annotation
 * @param sidecarImage the sidecar image; its entrypoint runs {@code corral sidecar} with the args given
 * @param initImage the init image; its entrypoint runs the iptables script with the env given
 * @param resources the sidecar container's requests and limits
 * @param jvmFlags the sidecar's JVM flags, handed over as {@code CORRAL_JVM_FLAGS} (empty: the image's defaults)
 * @param controlPlaneAddress {@code host:port} of the control plane's ADS and stats port
 * @param excludeInboundPorts inbound ports never redirected to the sidecar, besides 15020
 * @param excludeOutboundPorts outbound ports never redirected
 * @param excludeOutboundCidrs outbound destinations never redirected
 * @param imagePullPolicy pull policy of both injected containers (empty: the cluster's default)
 * @param initResources the init container's requests and limits
 * @param concurrency the sidecar's event-loop threads ({@code --concurrency}); 0: its CPUs
 * @param drainTimeSeconds how long in-flight requests may take after SIGTERM ({@code --drain-time-s})
 */
public record InjectionConfig(String version, String sidecarImage, String initImage, ResourceRequirements resources,
    List<String> jvmFlags, String controlPlaneAddress, List<Integer> excludeInboundPorts,
    List<Integer> excludeOutboundPorts, List<String> excludeOutboundCidrs, String imagePullPolicy,
    ResourceRequirements initResources, int concurrency, int drainTimeSeconds) {

  public static final String DEFAULT_CONTROL_PLANE_ADDRESS = "corral-controller.corral-system.svc:15010";

  public InjectionConfig {
    requireNonNull(version, "version");
    requireNonNull(sidecarImage, "sidecarImage");
    requireNonNull(initImage, "initImage");
    requireNonNull(resources, "resources");
    jvmFlags = List.copyOf(requireNonNull(jvmFlags, "jvmFlags"));
    requireNonNull(controlPlaneAddress, "controlPlaneAddress");
    HostPort.parse("controlPlaneAddress", controlPlaneAddress);
    excludeInboundPorts = List.copyOf(requireNonNull(excludeInboundPorts, "excludeInboundPorts"));
    excludeOutboundPorts = List.copyOf(requireNonNull(excludeOutboundPorts, "excludeOutboundPorts"));
    excludeOutboundCidrs = List.copyOf(requireNonNull(excludeOutboundCidrs, "excludeOutboundCidrs"));
    excludeInboundPorts.forEach(p -> PortLists.check("excludeInboundPorts", p));
    excludeOutboundPorts.forEach(p -> PortLists.check("excludeOutboundPorts", p));
    excludeOutboundCidrs.forEach(c -> PortLists.checkCidr("excludeOutboundCidrs", c));
    requireNonNull(imagePullPolicy, "imagePullPolicy");
    if (!List.of("", "Always", "IfNotPresent", "Never").contains(imagePullPolicy)) {
      throw new IllegalArgumentException("imagePullPolicy: " + imagePullPolicy
          + " (expected: Always, IfNotPresent or Never)");
    }
    requireNonNull(initResources, "initResources");
    if (concurrency < 0) {
      throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: 0 for the CPUs, or more)");
    }
    if (drainTimeSeconds < 0) {
      throw new IllegalArgumentException("drainTimeSeconds: " + drainTimeSeconds + " (expected: 0 or more)");
    }
  }

  /**
   * Defaults for {@code version}'s images: 50m CPU and 128Mi requested, 384Mi limit (the sidecar's
   * heap and direct memory are capped by its JVM flags, sidecar/jvm.options), the image's own
   * flags, the control plane at {@value #DEFAULT_CONTROL_PLANE_ADDRESS}, and the cloud metadata
   * address 169.254.169.254/32 never redirected (node credentials must not go through a proxy);
   * the init container 10m CPU and 16Mi requested, 64Mi limit; 20 s drain (the chart's values).
   */
  public static InjectionConfig defaults(String version) {
    ResourceRequirements resources = new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("50m"))
        .addToRequests("memory", new Quantity("128Mi"))
        .addToLimits("memory", new Quantity("384Mi"))
        .build();
    ResourceRequirements initResources = new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("10m"))
        .addToRequests("memory", new Quantity("16Mi"))
        .addToLimits("memory", new Quantity("64Mi"))
        .build();
    return new InjectionConfig(version, "ghcr.io/corral-mesh/sidecar:" + version, "ghcr.io/corral-mesh/init:" + version,
        resources, List.of(), DEFAULT_CONTROL_PLANE_ADDRESS, List.of(), List.of(), List.of("169.254.169.254/32"),
        "", initResources, 0, 20);
  }

  public InjectionConfig withControlPlaneAddress(String address) {
    return new InjectionConfig(version, sidecarImage, initImage, resources, jvmFlags, address,
        excludeInboundPorts, excludeOutboundPorts, excludeOutboundCidrs, imagePullPolicy, initResources, concurrency,
        drainTimeSeconds);
  }
}
