package dev.corral.operator.inject;

import static dev.corral.operator.inject.Pods.CONFIG;
import static dev.corral.operator.inject.Pods.SHOP;
import static dev.corral.operator.inject.Pods.deploymentPod;
import static dev.corral.operator.inject.Pods.names;
import static dev.corral.operator.inject.Pods.withAnnotations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.sidecar.bootstrap.BootstrapLoader;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SidecarInjectorTest {
  private final SidecarInjector injector = new SidecarInjector(CONFIG);

  @Test
  void injectsSidecarAndInitContainerIntoADeploymentPod() {
    Pod original = deploymentPod();
    Pod pod = injector.inject(original, SHOP);

    assertThat(pod.getMetadata().getAnnotations()).containsEntry("corral.dev/injected", "0.1.0");
    assertThat(names(pod.getSpec().getContainers())).containsExactly("app", "corral-sidecar");
    assertThat(names(pod.getSpec().getInitContainers())).containsExactly("corral-init");
    assertThat(pod.getSpec().getContainers().get(0)).isEqualTo(original.getSpec().getContainers().get(0));

    Container sidecar = pod.getSpec().getContainers().get(1);
    assertThat(sidecar.getImage()).isEqualTo("ghcr.io/corral-mesh/sidecar:0.1.0");
    assertThat(sidecar.getPorts()).extracting(ContainerPort::getContainerPort).containsExactly(15001, 15006, 15020);
    assertThat(sidecar.getSecurityContext().getRunAsUser()).isEqualTo(1337L);
    assertThat(sidecar.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(sidecar.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    assertThat(sidecar.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(15020);
    assertThat(sidecar.getResources().getLimits()).containsEntry("memory", new Quantity("384Mi"));
    assertThat(sidecar.getArgs()).containsExactly("--bootstrap-yaml", "$(CORRAL_BOOTSTRAP_YAML)", "--health-port", "15020",
        "--drain-time-s", "20");
    assertThat(sidecar.getImagePullPolicy()).isNull();
    assertThat(sidecar.getEnv().get(0).getName()).isEqualTo("CORRAL_POD_NAME");
    assertThat(sidecar.getEnv().get(0).getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");

    Container init = pod.getSpec().getInitContainers().get(0);
    assertThat(init.getImage()).isEqualTo("ghcr.io/corral-mesh/init:0.1.0");
    assertThat(init.getSecurityContext().getRunAsUser()).isZero();
    assertThat(init.getSecurityContext().getCapabilities().getAdd()).containsExactly("NET_ADMIN", "NET_RAW");
    assertThat(env(init)).containsExactly(
        Map.entry("CORRAL_PROXY_UID", "1337"),
        Map.entry("CORRAL_OUTBOUND_PORT", "15001"),
        Map.entry("CORRAL_INBOUND_PORT", "15006"),
        Map.entry("CORRAL_INBOUND_PORTS", "8080,9090"),
        Map.entry("CORRAL_EXCLUDE_INBOUND_PORTS", "15020"),
        Map.entry("CORRAL_EXCLUDE_OUTBOUND_PORTS", ""),
        Map.entry("CORRAL_EXCLUDE_OUTBOUND_CIDRS", "169.254.169.254/32"));
  }

  @Test
  void chartSettingsReachBothContainers() {
    InjectionConfig config = SidecarDefaults.parse("""
        imagePullPolicy: Always
        concurrency: 2
        drainTimeSeconds: 7
        initResources: {limits: {memory: 32Mi}}
        """, CONFIG);
    Pod pod = new SidecarInjector(config).inject(deploymentPod(), SHOP);
    Container sidecar = pod.getSpec().getContainers().get(1);
    Container init = pod.getSpec().getInitContainers().get(0);

    assertThat(sidecar.getImagePullPolicy()).isEqualTo("Always");
    assertThat(init.getImagePullPolicy()).isEqualTo("Always");
    assertThat(sidecar.getArgs()).containsSequence("--drain-time-s", "7").containsSequence("--concurrency", "2");
    assertThat(init.getResources().getLimits()).containsEntry("memory", new Quantity("32Mi"));
  }

  @Test
  void theSidecarAcceptsTheGeneratedBootstrapOnceTheKubeletHasExpandedThePodName() {
    Container sidecar = injector.inject(deploymentPod(), SHOP).getSpec().getContainers().get(1);
    String yaml = env(sidecar).get("CORRAL_BOOTSTRAP_YAML").replace("$(CORRAL_POD_NAME)", "images-7d9f8c6b5-x2x9q");

    Bootstrap bootstrap = BootstrapLoader.parse(yaml, "injected");

    assertThat(bootstrap.getNode().getId()).isEqualTo("images-7d9f8c6b5-x2x9q.shop");
    assertThat(bootstrap.getNode().getCluster()).isEqualTo("images.shop.svc.cluster.local");
    assertThat(bootstrap.getNode().getMetadata().getFieldsMap().get("workload").getStringValue()).isEqualTo("images");
    assertThat(bootstrap.getNode().getMetadata().getFieldsMap().get("namespace").getStringValue()).isEqualTo("shop");
    assertThat(bootstrap.getAdmin().getAddress().getSocketAddress().getAddress()).isEqualTo("127.0.0.1");
    assertThat(bootstrap.getStaticResources().getClusters(0).getLoadAssignment().getEndpoints(0)
        .getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress())
        .satisfies(s -> {
          assertThat(s.getAddress()).isEqualTo("10.96.0.10");
          assertThat(s.getPortValue()).isEqualTo(15010);
        });
    assertThat(bootstrap.getDynamicResources().getAdsConfig().getGrpcServices(0).getEnvoyGrpc().getClusterName())
        .isEqualTo(SidecarBootstrap.XDS_CLUSTER);
  }

  @Test
  void injectingTwiceChangesNothing() {
    Pod once = injector.inject(deploymentPod(), SHOP);

    assertThat(injector.inject(once, SHOP)).isEqualTo(once);
    assertThat(injector.skipReason(once, SHOP)).isEqualTo("already injected");
  }

  @Test
  void leavesPodsOfNamespacesWithoutTheLabelUntouched() {
    Pod pod = deploymentPod();
    PodEnvironment unlabelled = new PodEnvironment("shop", Map.of(), "10.96.0.10");
    PodEnvironment disabled = new PodEnvironment("shop", Map.of("corral.dev/inject", "disabled"), "10.96.0.10");

    assertThat(injector.inject(pod, unlabelled)).isEqualTo(deploymentPod());
    assertThat(injector.inject(pod, disabled)).isEqualTo(deploymentPod());
  }

  @Test
  void leavesPodsAnnotatedInjectFalseUntouched() {
    Pod pod = withAnnotations(deploymentPod(), Map.of("corral.dev/inject", "false"));

    assertThat(injector.inject(pod, SHOP)).isEqualTo(withAnnotations(deploymentPod(), Map.of("corral.dev/inject", "false")));
  }

  @Test
  void leavesHostNetworkPodsUntouched() {
    Pod pod = new PodBuilder(deploymentPod()).editSpec().withHostNetwork(true).endSpec().build();

    assertThat(injector.inject(pod, SHOP).getSpec().getContainers()).hasSize(1);
    assertThat(injector.skipReason(pod, SHOP)).isEqualTo("hostNetwork pod");
  }

  @Test
  void leavesTheMeshsOwnPodsUntouched() {
    Pod pod = new PodBuilder(deploymentPod()).editMetadata()
        .addToLabels("app.kubernetes.io/part-of", "corral").endMetadata().build();

    assertThat(injector.inject(pod, SHOP)).isEqualTo(pod);
    assertThat(pod.getSpec().getInitContainers()).isEmpty();
  }

  @Test
  void exclusionAnnotationsReachTheInitContainer() {
    Pod pod = withAnnotations(deploymentPod(), Map.of(
        "corral.dev/exclude-inbound-ports", "9090",
        "corral.dev/exclude-outbound-ports", "5432, 6379",
        "corral.dev/exclude-outbound-cidrs", "10.0.0.0/8,fd00::/8"));

    Map<String, String> env = env(injector.inject(pod, SHOP).getSpec().getInitContainers().get(0));

    assertThat(env).containsEntry("CORRAL_EXCLUDE_INBOUND_PORTS", "15020,9090")
        .containsEntry("CORRAL_EXCLUDE_OUTBOUND_PORTS", "5432,6379")
        .containsEntry("CORRAL_EXCLUDE_OUTBOUND_CIDRS", "169.254.169.254/32,10.0.0.0/8,fd00::/8");
  }

  @Test
  void aMalformedExclusionAnnotationIsRefusedNamingIt() {
    Pod ports = withAnnotations(deploymentPod(), Map.of("corral.dev/exclude-outbound-ports", "5432,postgres"));
    Pod cidrs = withAnnotations(deploymentPod(), Map.of("corral.dev/exclude-outbound-cidrs", "10.0.0.0/33"));

    assertThatThrownBy(() -> injector.inject(ports, SHOP)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("metadata.annotations[corral.dev/exclude-outbound-ports]: \"postgres\" is not a port"
            + " (expected e.g. 8080,9090)");
    assertThatThrownBy(() -> injector.inject(cidrs, SHOP)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata.annotations[corral.dev/exclude-outbound-cidrs]: \"10.0.0.0/33\"");
  }

  @Test
  void capturesEveryInboundPortWhenTheAppDeclaresNone() {
    Pod pod = new PodBuilder(deploymentPod()).editSpec().editFirstContainer().withPorts().endContainer().endSpec().build();

    assertThat(env(injector.inject(pod, SHOP).getSpec().getInitContainers().get(0)))
        .containsEntry("CORRAL_INBOUND_PORTS", "*");
  }

  @Test
  void workloadIsTheOwnerElseTheAppLabelElseTheName() {
    assertThat(SidecarBootstrap.workload(deploymentPod())).isEqualTo("images");
    Pod bare = new PodBuilder().withNewMetadata().withName("debug").endMetadata().build();
    assertThat(SidecarBootstrap.workload(bare)).isEqualTo("debug");
    Pod labelled = new PodBuilder(bare).editMetadata().addToLabels("app", "tools").endMetadata().build();
    assertThat(SidecarBootstrap.workload(labelled)).isEqualTo("tools");
  }

  @Test
  void doesNotModifyItsInput() {
    Pod pod = deploymentPod();
    injector.inject(pod, SHOP);

    assertThat(pod).isEqualTo(deploymentPod());
  }

  private static Map<String, String> env(Container c) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : c.getEnv()) {
      if (e.getValue() != null) {
        env.put(e.getName(), e.getValue());
      }
    }
    return env;
  }
}
