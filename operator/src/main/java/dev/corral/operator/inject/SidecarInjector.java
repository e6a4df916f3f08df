package dev.corral.operator.inject;

import static java.util.Objects.requireNonNull;

import dev.corral.api.WellKnown;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The core of sidecar injection, a pure function: a pod in, the pod to create out (the same pod
 * when injection does not apply). It adds the {@value #SIDECAR} container, which boots from a
 * bootstrap generated from the pod ({@link SidecarBootstrap}), and the {@value #INIT} container,
 * which installs the iptables redirect. Injecting an injected pod changes nothing.
 */
public final class SidecarInjector {
  public static final String SIDECAR = "corral-sidecar";
  public static final String INIT = "corral-init";
  /** Pod annotation with the injector's version, set on every injected pod. */
  public static final String INJECTED_ANNOTATION = "corral.dev/injected";
  /** The sidecar's health and metrics port's name: the chart's PodMonitor scrapes it by name. */
  public static final String HEALTH_PORT_NAME = "corral-health";
  public static final String EXCLUDE_INBOUND_PORTS = "corral.dev/exclude-inbound-ports";
  public static final String EXCLUDE_OUTBOUND_PORTS = "corral.dev/exclude-outbound-ports";
  public static final String EXCLUDE_OUTBOUND_CIDRS = "corral.dev/exclude-outbound-cidrs";
  /** Label of the mesh's own pods, which are never injected. */
  public static final String PART_OF_LABEL = "app.kubernetes.io/part-of";
  public static final String PART_OF_CORRAL = "corral";
  /** Env var holding the pod's name (downward API) for the bootstrap's node id. */
  public static final String POD_NAME_ENV = "CORRAL_POD_NAME";
  /** Env var holding the bootstrap YAML; the sidecar gets it as {@code --bootstrap-yaml $(...)}. */
  public static final String BOOTSTRAP_ENV = "CORRAL_BOOTSTRAP_YAML";

  private final InjectionConfig config;

  public SidecarInjector(InjectionConfig config) {
    this.config = requireNonNull(config, "config");
  }

  public InjectionConfig config() {
    return config;
  }

  /** Why {@code pod} is not injected, or null when it is to be injected. */
  public @Nullable String skipReason(Pod pod, PodEnvironment env) {
    requireNonNull(pod, "pod");
    requireNonNull(env, "env");
    if (!WellKnown.INJECT_ENABLED.equals(env.namespaceLabels().get(WellKnown.INJECT_LABEL))) {
      return "namespace " + env.namespace() + " is not labelled " + WellKnown.INJECT_LABEL + "=" + WellKnown.INJECT_ENABLED;
    }
    if (WellKnown.INJECT_DISABLED.equals(annotations(pod).get(WellKnown.INJECT_ANNOTATION))) {
      return "annotation " + WellKnown.INJECT_ANNOTATION + ": \"false\"";
    }
    if (Boolean.TRUE.equals(pod.getSpec().getHostNetwork())) {
      return "hostNetwork pod";
    }
    if (PART_OF_CORRAL.equals(labels(pod).get(PART_OF_LABEL))) {
      return "one of the mesh's own pods (" + PART_OF_LABEL + ": " + PART_OF_CORRAL + ")";
    }
    if (pod.getSpec().getContainers().stream().anyMatch(c -> SIDECAR.equals(c.getName()))) {
      return "already injected";
    }
    return null;
  }

  /**
   * The pod with the sidecar and init containers and the {@value #INJECTED_ANNOTATION}
   * annotation, or {@code pod} itself when {@link #skipReason} says no.
   *
   * @throws IllegalArgumentException when an exclusion annotation does not parse; the message
   *     names the annotation
   */
  public Pod inject(Pod pod, PodEnvironment env) {
    if (skipReason(pod, env) != null) {
      return pod;
    }
    Map<String, String> annotations = annotations(pod);
    List<Integer> excludeInbound = union(List.of(WellKnown.SIDECAR_HEALTH_PORT), config.excludeInboundPorts(),
        PortLists.ports(annotationField(EXCLUDE_INBOUND_PORTS), annotations.getOrDefault(EXCLUDE_INBOUND_PORTS, "")));
    List<Integer> excludeOutbound = union(config.excludeOutboundPorts(),
        PortLists.ports(annotationField(EXCLUDE_OUTBOUND_PORTS), annotations.getOrDefault(EXCLUDE_OUTBOUND_PORTS, "")));
    List<String> excludeCidrs = union(config.excludeOutboundCidrs(),
        PortLists.cidrs(annotationField(EXCLUDE_OUTBOUND_CIDRS), annotations.getOrDefault(EXCLUDE_OUTBOUND_CIDRS, "")));
    String bootstrap = SidecarBootstrap.yaml(pod, env, config, "$(" + POD_NAME_ENV + ")");
    return new PodBuilder(pod)
        .editOrNewMetadata().addToAnnotations(INJECTED_ANNOTATION, config.version()).endMetadata()
        .editSpec()
        .addToInitContainers(initContainer(inboundPorts(pod), excludeInbound, excludeOutbound, excludeCidrs))
        .addToContainers(sidecarContainer(bootstrap))
        .endSpec()
        .build();
  }

  private Container sidecarContainer(String bootstrap) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVarBuilder().withName(POD_NAME_ENV)
        .withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endValueFrom().build());
    env.add(new EnvVar(BOOTSTRAP_ENV, bootstrap, null));
    if (!config.jvmFlags().isEmpty()) {
      env.add(new EnvVar("CORRAL_JVM_FLAGS", String.join(" ", config.jvmFlags()), null));
    }
    return new ContainerBuilder()
        .withName(SIDECAR)
        .withImage(config.sidecarImage())
        .withImagePullPolicy(pullPolicy())
        .withArgs(sidecarArgs())
        .withEnv(env)
        .addNewPort().withName("corral-outbound").withContainerPort(WellKnown.SIDECAR_OUTBOUND_PORT).withProtocol("TCP").endPort()
        .addNewPort().withName("corral-inbound").withContainerPort(WellKnown.SIDECAR_INBOUND_PORT).withProtocol("TCP").endPort()
        .addNewPort().withName(HEALTH_PORT_NAME).withContainerPort(WellKnown.SIDECAR_HEALTH_PORT).withProtocol("TCP").endPort()
        .withResources(config.resources())
        .withNewSecurityContext()
        .withRunAsUser(WellKnown.SIDECAR_UID)
        .withRunAsGroup(WellKnown.SIDECAR_UID)
        .withRunAsNonRoot(true)
        .withAllowPrivilegeEscalation(false)
        .withCapabilities(new CapabilitiesBuilder().withDrop("ALL").build())
        .endSecurityContext()
        .withNewReadinessProbe()
        .withNewHttpGet().withPath("/ready").withNewPort(WellKnown.SIDECAR_HEALTH_PORT).endHttpGet()
        .withPeriodSeconds(2)
        .endReadinessProbe()
        .build();
  }

  private Container initContainer(String inboundPorts, List<Integer> excludeInbound, List<Integer> excludeOutbound,
      List<String> excludeCidrs) {
    // Root with NET_ADMIN and NET_RAW only, for iptables in the pod's network namespace.
    Capabilities caps = new CapabilitiesBuilder().withAdd("NET_ADMIN", "NET_RAW").withDrop("ALL").build();
    return new ContainerBuilder()
        .withName(INIT)
        .withImage(config.initImage())
        .withImagePullPolicy(pullPolicy())
        .withResources(config.initResources())
        .addToEnv(new EnvVar("CORRAL_PROXY_UID", Long.toString(WellKnown.SIDECAR_UID), null))
        .addToEnv(new EnvVar("CORRAL_OUTBOUND_PORT", Integer.toString(WellKnown.SIDECAR_OUTBOUND_PORT), null))
        .addToEnv(new EnvVar("CORRAL_INBOUND_PORT", Integer.toString(WellKnown.SIDECAR_INBOUND_PORT), null))
        .addToEnv(new EnvVar("CORRAL_INBOUND_PORTS", inboundPorts, null))
        .addToEnv(new EnvVar("CORRAL_EXCLUDE_INBOUND_PORTS", join(excludeInbound), null))
        .addToEnv(new EnvVar("CORRAL_EXCLUDE_OUTBOUND_PORTS", join(excludeOutbound), null))
        .addToEnv(new EnvVar("CORRAL_EXCLUDE_OUTBOUND_CIDRS", join(excludeCidrs), null))
        .withNewSecurityContext()
        .withRunAsUser(0L)
        .withRunAsNonRoot(false)
        .withPrivileged(false)
        .withAllowPrivilegeEscalation(false)
        .withCapabilities(caps)
        .endSecurityContext()
        .build();
  }

  private List<String> sidecarArgs() {
    List<String> args = new ArrayList<>(List.of("--bootstrap-yaml", "$(" + BOOTSTRAP_ENV + ")",
        "--health-port", Integer.toString(WellKnown.SIDECAR_HEALTH_PORT),
        "--drain-time-s", Integer.toString(config.drainTimeSeconds())));
    if (config.concurrency() > 0) {
      args.add("--concurrency");
      args.add(Integer.toString(config.concurrency()));
    }
    return args;
  }

  private @Nullable String pullPolicy() {
    return config.imagePullPolicy().isEmpty() ? null : config.imagePullPolicy();
  }

  /** The app containers' TCP ports, comma-separated; {@code *} (every port) when none is declared. */
  private static String inboundPorts(Pod pod) {
    Set<Integer> ports = new LinkedHashSet<>();
    for (Container c : pod.getSpec().getContainers()) {
      for (ContainerPort p : c.getPorts()) {
        if (p.getContainerPort() != null && (p.getProtocol() == null || p.getProtocol().equals("TCP"))) {
          ports.add(p.getContainerPort());
        }
      }
    }
    return ports.isEmpty() ? "*" : join(List.copyOf(ports));
  }

  @SafeVarargs
  private static <T> List<T> union(List<T>... lists) {
    Set<T> all = new LinkedHashSet<>();
    for (List<T> l : lists) {
      all.addAll(l);
    }
    return List.copyOf(all);
  }

  private static String join(List<?> values) {
    return values.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  private static String annotationField(String annotation) {
    return "metadata.annotations[" + annotation + "]";
  }

  static Map<String, String> annotations(Pod pod) {
    Map<String, String> a = pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  static Map<String, String> labels(Pod pod) {
    Map<String, String> l = pod.getMetadata() == null ? null : pod.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }
}
