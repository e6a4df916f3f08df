package dev.corral.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.corral.api.WellKnown;
import dev.corral.operator.chart.Chart.Rendered;
import dev.corral.operator.chart.Chart.Values;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Renders helm/corral with real Helm and checks the facts a working install depends on. */
class ChartRenderTest {
  static final String CONTROLLER = "corral-controller";
  static final Map<String, String> MESHED_NAMESPACE =
      Map.of(WellKnown.INJECT_LABEL, WellKnown.INJECT_ENABLED, "kubernetes.io/metadata.name", "shop");

  @Test
  void passesStrictLint() {
    LintResult lint = Chart.lint();
    assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
  }

  @Test
  void defaultsRenderTheControllerAndNothingOptional() {
    Rendered r = Chart.render(Values.defaults());
    assertThat(r.objects()).extracting(HasMetadata::getKind).containsExactlyInAnyOrder(
        "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "ConfigMap",
        "Service", "Deployment", "MutatingWebhookConfiguration");
    for (HasMetadata o : r.objects()) {
      assertThat(o.getMetadata().getLabels()).as("labels of %s", o.getKind()).containsEntry(
          "app.kubernetes.io/part-of", "corral").containsEntry("app.kubernetes.io/instance", Chart.RELEASE)
          .containsEntry("app.kubernetes.io/managed-by", "Helm").containsKeys(
              "app.kubernetes.io/name", "app.kubernetes.io/version", "helm.sh/chart");
    }
    assertThat(r.one(Deployment.class).getSpec().getReplicas()).isEqualTo(1);
    assertThat(podSpecContainer(r).getImage()).isEqualTo("corral/controller:0.1.0");
  }

  @Test
  void selectorsPickTheControllerPods() {
    Rendered r = Chart.render(Values.defaults());
    Deployment deployment = r.one(Deployment.class);
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(LabelSelectors.matches(deployment.getSpec().getSelector(), podLabels)).isTrue();
    Service service = r.one(Service.class);
    assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
    // The Service selects only the controller, not every pod of the release (e.g. a future component).
    assertThat(service.getSpec().getSelector()).containsEntry("app.kubernetes.io/component", "controller");
  }

  @Test
  void portsAgreeWithTheArchitecture() {
    Rendered r = Chart.render(Values.defaults());
    Container controller = podSpecContainer(r);
    assertThat(containerPort(controller, "grpc-xds")).isEqualTo(WellKnown.CONTROL_PLANE_ADS_PORT);
    assertThat(containerPort(controller, "http")).isEqualTo(WellKnown.CONTROL_PLANE_HTTP_PORT);
    assertThat(containerPort(controller, "webhook")).isEqualTo(WellKnown.INJECTION_WEBHOOK_PORT);
    assertThat(controller.getArgs()).contains(
        "--xds-port=" + WellKnown.CONTROL_PLANE_ADS_PORT,
        "--http-port=" + WellKnown.CONTROL_PLANE_HTTP_PORT,
        "--webhook-port=" + WellKnown.INJECTION_WEBHOOK_PORT);

    Service service = r.one(Service.class);
    assertThat(service.getMetadata().getName()).isEqualTo(CONTROLLER);
    assertThat(servicePort(service, "grpc-xds").getPort()).isEqualTo(WellKnown.CONTROL_PLANE_ADS_PORT);
    assertThat(servicePort(service, "http").getPort()).isEqualTo(WellKnown.CONTROL_PLANE_HTTP_PORT);
    assertThat(servicePort(service, "webhook").getPort()).isEqualTo(443);
    for (ServicePort port : service.getSpec().getPorts()) {
      assertThat(targetPort(controller, port.getTargetPort())).as("targetPort of %s", port.getName())
          .isEqualTo(containerPort(controller, port.getName()));
    }

    var readiness = controller.getReadinessProbe().getHttpGet();
    assertThat(readiness.getPath()).isEqualTo("/healthz");
    assertThat(targetPort(controller, readiness.getPort())).isEqualTo(WellKnown.CONTROL_PLANE_HTTP_PORT);
  }

  @Test
  void webhookCallsTheServiceOnTheWebhookPort() {
    Rendered r = Chart.render(Values.defaults());
    MutatingWebhookConfiguration config = r.one(MutatingWebhookConfiguration.class);
    assertThat(config.getMetadata().getName()).isEqualTo("corral-sidecar-injector");
    MutatingWebhook webhook = config.getWebhooks().get(0);
    assertThat(config.getWebhooks()).hasSize(1);
    var target = webhook.getClientConfig().getService();
    assertThat(target.getName()).isEqualTo(CONTROLLER);
    assertThat(target.getNamespace()).isEqualTo(Chart.NAMESPACE);
    assertThat(target.getPath()).isEqualTo("/inject");
    ServicePort port = r.one(Service.class).getSpec().getPorts().stream()
        .filter(p -> p.getPort().equals(target.getPort())).findFirst()
        .orElseThrow(() -> new AssertionError("webhook port " + target.getPort() + " is no port of the Service"));
    assertThat(targetPort(podSpecContainer(r), port.getTargetPort())).isEqualTo(WellKnown.INJECTION_WEBHOOK_PORT);
    // The controller (or cert-manager) fills caBundle; a chart value would fight it on upgrade.
    assertThat(webhook.getClientConfig().getCaBundle()).isNull();

    assertThat(webhook.getFailurePolicy()).isEqualTo("Ignore");
    assertThat(webhook.getSideEffects()).isEqualTo("None");
    assertThat(webhook.getAdmissionReviewVersions()).containsExactly("v1");
    assertThat(webhook.getTimeoutSeconds()).isEqualTo(10);
    assertThat(webhook.getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getOperations()).containsExactly("CREATE");
      assertThat(rule.getResources()).containsExactly("pods");
    });
  }

  @Test
  void webhookSelectsLabelledNamespacesAndSkipsTheMeshItself() {
    Rendered r = Chart.render(Values.defaults());
    MutatingWebhook webhook = r.one(MutatingWebhookConfiguration.class).getWebhooks().get(0);
    LabelSelector namespaces = webhook.getNamespaceSelector();
    assertThat(LabelSelectors.matches(namespaces, MESHED_NAMESPACE)).isTrue();
    assertThat(LabelSelectors.matches(namespaces, Map.of("kubernetes.io/metadata.name", "shop"))).isFalse();
    for (String excluded : List.of("kube-system", Chart.NAMESPACE)) {
      assertThat(LabelSelectors.matches(namespaces, Map.of(WellKnown.INJECT_LABEL, WellKnown.INJECT_ENABLED,
          "kubernetes.io/metadata.name", excluded))).as("namespace %s", excluded).isFalse();
    }
    LabelSelector pods = webhook.getObjectSelector();
    assertThat(LabelSelectors.matches(pods, Map.of("app", "images"))).isTrue();
    Map<String, String> controllerPod = r.one(Deployment.class).getSpec().getTemplate().getMetadata().getLabels();
    assertThat(LabelSelectors.matches(pods, controllerPod)).as("the controller's own pods").isFalse();
  }

  @Test
  void controllerRunsAsItsServiceAccountWhichIsBound() {
    Rendered r = Chart.render(Values.defaults());
    String account = r.one(Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName();
    assertThat(r.one(ServiceAccount.class).getMetadata().getName()).isEqualTo(account);
    assertThat(r.one(ClusterRoleBinding.class).getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getName()).isEqualTo(account);
      assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
    });
    assertThat(r.one(RoleBinding.class).getSubjects()).singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo(account));
    assertThat(r.one(RoleBinding.class).getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
  }

  @Test
  void sidecarDefaultsReachTheInjector() throws Exception {
    Rendered r = Chart.render(Values.defaults());
    JsonNode config = sidecarConfig(r);
    assertThat(config.get("image").asText()).isEqualTo("corral/sidecar:0.1.0");
    assertThat(config.get("initImage").asText()).isEqualTo("corral/init:0.1.0");
    assertThat(config.get("adsAddress").asText())
        .isEqualTo(CONTROLLER + "." + Chart.NAMESPACE + ".svc:" + WellKnown.CONTROL_PLANE_ADS_PORT);
    assertThat(config.get("proxyUid").asLong()).isEqualTo(WellKnown.SIDECAR_UID);
    assertThat(config.at("/ports/outbound").asInt()).isEqualTo(WellKnown.SIDECAR_OUTBOUND_PORT);
    assertThat(config.at("/ports/inbound").asInt()).isEqualTo(WellKnown.SIDECAR_INBOUND_PORT);
    assertThat(config.at("/ports/admin").asInt()).isEqualTo(WellKnown.SIDECAR_ADMIN_PORT);
    assertThat(config.at("/ports/health").asInt()).isEqualTo(WellKnown.SIDECAR_HEALTH_PORT);
    assertThat(config.at("/resources/limits/memory").asText()).isEqualTo("384Mi");
    assertThat(config.get("excludeOutboundCIDRs").isArray()).isTrue();

    // The controller reads the file named by --sidecar-config from the mounted ConfigMap.
    Deployment deployment = r.one(Deployment.class);
    Container controller = podSpecContainer(r);
    String file = arg(controller, "--sidecar-config");
    VolumeMount mount = controller.getVolumeMounts().stream()
        .filter(m -> file.startsWith(m.getMountPath() + "/")).findFirst().orElseThrow();
    Volume volume = deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
    ConfigMap configMap = r.one(ConfigMap.class);
    assertThat(volume.getConfigMap().getName()).isEqualTo(configMap.getMetadata().getName());
    assertThat(configMap.getData()).containsKey(file.substring(mount.getMountPath().length() + 1));
  }

  @Test
  void overriddenSidecarDefaultsAndImagesAreHandedOn() throws Exception {
    Rendered r = Chart.render(Values.defaults()
        .set("image.tag", "1.2.3")
        .set("controller.image.repository", "registry.example/corral-controller")
        .set("sidecar.image.repository", "registry.example/corral-sidecar")
        .set("sidecar.jvmFlags", "-Xmx96m")
        .set("sidecar.excludeOutboundCIDRs[0]", "10.10.0.0/16")
        .set("sidecar.excludeInboundPorts[0]", 9090)
        .set("controller.jvmFlags", "-Xmx1g"));
    assertThat(podSpecContainer(r).getImage()).isEqualTo("registry.example/corral-controller:1.2.3");
    assertThat(podSpecContainer(r).getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("CORRAL_JVM_FLAGS");
      assertThat(e.getValue()).isEqualTo("-Xmx1g");
    });
    JsonNode config = sidecarConfig(r);
    assertThat(config.get("image").asText()).isEqualTo("registry.example/corral-sidecar:1.2.3");
    assertThat(config.get("initImage").asText()).isEqualTo("corral/init:1.2.3");
    assertThat(config.get("jvmFlags").asText()).isEqualTo("-Xmx96m");
    assertThat(config.get("excludeOutboundCIDRs").get(0).asText()).isEqualTo("10.10.0.0/16");
    assertThat(config.get("excludeInboundPorts").get(0).asInt()).isEqualTo(9090);
  }

  @Test
  void haValuesGiveTwoReplicasOnDifferentNodesAndABudget() {
    Rendered r = Chart.render(Values.file("values-ha.yaml"));
    Deployment deployment = r.one(Deployment.class);
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);

    PodDisruptionBudget pdb = r.one(PodDisruptionBudget.class);
    assertThat(pdb.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
    assertThat(LabelSelectors.matches(pdb.getSpec().getSelector(), podLabels)).isTrue();

    var terms = deployment.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution();
    assertThat(terms).singleElement().satisfies(term -> {
      assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
      assertThat(LabelSelectors.matches(term.getLabelSelector(), podLabels)).isTrue();
    });
  }

  @Test
  void softAntiAffinityIsPreferredOnly() {
    Rendered r = Chart.render(Values.defaults().set("controller.podAntiAffinity", "soft"));
    var antiAffinity = r.one(Deployment.class).getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity();
    assertThat(antiAffinity.getRequiredDuringSchedulingIgnoredDuringExecution()).isEmpty();
    assertThat(antiAffinity.getPreferredDuringSchedulingIgnoredDuringExecution()).singleElement()
        .satisfies(w -> assertThat(w.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
  }

  @Test
  void certManagerIssuesTheServingCertificateAndInjectsItsCa() {
    Rendered r = Chart.render(Values.defaults().set("certManager.enabled", true));
    assertThat(r.ofKind("Issuer")).hasSize(2);
    List<HasMetadata> certificates = r.ofKind("Certificate");
    assertThat(certificates).hasSize(2);

    String injectFrom = r.one(MutatingWebhookConfiguration.class).getMetadata().getAnnotations()
        .get("cert-manager.io/inject-ca-from");
    assertThat(injectFrom).startsWith(Chart.NAMESPACE + "/");
    GenericKubernetesResource serving = (GenericKubernetesResource) certificates.stream()
        .filter(c -> injectFrom.equals(c.getMetadata().getNamespace() + "/" + c.getMetadata().getName()))
        .findFirst().orElseThrow(() -> new AssertionError("no Certificate " + injectFrom));
    Map<String, Object> spec = serving.get("spec");
    assertThat(ChartRenderTest.<List<String>>cast(spec.get("dnsNames"))).contains(CONTROLLER + "." + Chart.NAMESPACE + ".svc");
    assertThat(ChartRenderTest.<Map<String, Object>>cast(spec.get("issuerRef"))).containsEntry("name", "corral-ca");

    // Its Secret is mounted where --cert-dir points.
    Container controller = podSpecContainer(r);
    String certDir = arg(controller, "--cert-dir");
    VolumeMount mount = controller.getVolumeMounts().stream()
        .filter(m -> m.getMountPath().equals(certDir)).findFirst().orElseThrow();
    Volume volume = r.one(Deployment.class).getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
    assertThat(volume.getSecret().getSecretName()).isEqualTo(spec.get("secretName"));
  }

  @Test
  void certManagerUsesAGivenIssuerInstead() {
    Rendered r = Chart.render(Values.defaults().set("certManager.enabled", true)
        .set("certManager.issuerRef.kind", "ClusterIssuer").set("certManager.issuerRef.name", "company-ca"));
    assertThat(r.ofKind("Issuer")).isEmpty();
    GenericKubernetesResource serving = (GenericKubernetesResource) r.ofKind("Certificate").get(0);
    assertThat(r.ofKind("Certificate")).hasSize(1);
    assertThat(ChartRenderTest.<Map<String, Object>>cast(serving.<Map<String, Object>>get("spec").get("issuerRef")))
        .containsEntry("kind", "ClusterIssuer").containsEntry("name", "company-ca");
    assertThat(arg(podSpecContainer(r), "--cert-dir")).isNotEmpty();
  }

  @Test
  void withoutCertManagerTheControllerMakesItsOwnCertificate() {
    Rendered r = Chart.render(Values.defaults());
    assertThat(podSpecContainer(r).getArgs()).noneMatch(a -> a.startsWith("--cert-dir"));
    assertThat(r.one(MutatingWebhookConfiguration.class).getMetadata().getAnnotations()).isNullOrEmpty();
  }

  /** The spec of the {@code kind} monitor rendered with it enabled and a {@code release} label. */
  private static Map<String, Object> monitorSpec(Rendered r, String kind) {
    GenericKubernetesResource monitor = (GenericKubernetesResource) r.ofKind(kind).get(0);
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    return monitor.get("spec");
  }

  private static Rendered withMonitor(String key) {
    return Chart.render(Values.defaults().set(key + ".enabled", true).set(key + ".labels.release", "prometheus"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> firstEndpoint(Map<String, Object> spec, String field) {
    return ((List<Map<String, Object>>) spec.get(field)).get(0);
  }

  @Test
  void podMonitorScrapesEverySidecarsHealthPortByTheNameTheInjectorGivesIt() {
    assertThat(Chart.render(Values.defaults()).ofKind("PodMonitor")).isEmpty();
    Map<String, Object> spec = monitorSpec(withMonitor("podMonitor"), "PodMonitor");
    assertThat(firstEndpoint(spec, "podMetricsEndpoints")).containsEntry("path", "/stats/prometheus")
        .containsEntry("interval", "30s")
        .containsEntry("port", dev.corral.operator.inject.SidecarInjector.HEALTH_PORT_NAME);
    assertThat(spec).containsEntry("selector", Map.of()).containsEntry("namespaceSelector", Map.of("any", true));
  }

  @Test
  void serviceMonitorScrapesTheHttpPort() {
    Rendered r = withMonitor("serviceMonitor");
    Map<String, Object> spec = monitorSpec(r, "ServiceMonitor");
    Map<String, Object> endpoint = firstEndpoint(spec, "endpoints");
    Service service = r.one(Service.class);
    assertThat(servicePort(service, (String) endpoint.get("port")).getPort())
        .isEqualTo(WellKnown.CONTROL_PLANE_HTTP_PORT);
    assertThat(endpoint.get("path")).isEqualTo("/metrics");
    @SuppressWarnings("unchecked")
    Map<String, String> matchLabels = (Map<String, String>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");
    assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(matchLabels);
  }

  @Test
  void failurePolicyIsChosenExplicitly() {
    Rendered r = Chart.render(Values.defaults().set("webhook.failurePolicy", "Fail").set("webhook.timeoutSeconds", 5));
    MutatingWebhook webhook = r.one(MutatingWebhookConfiguration.class).getWebhooks().get(0);
    assertThat(webhook.getFailurePolicy()).isEqualTo("Fail");
    assertThat(webhook.getTimeoutSeconds()).isEqualTo(5);
  }

  @Test
  void badValuesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> Chart.template(Values.defaults().set("webhook.failurePolicy", "Sometimes")))
        .hasMessageContaining("/webhook/failurePolicy").hasMessageContaining("'Ignore', 'Fail'");
    assertThatThrownBy(() -> Chart.template(Values.defaults().set("webhook.timeoutSeconds", 60)))
        .hasMessageContaining("/webhook/timeoutSeconds");
    assertThatThrownBy(() -> Chart.template(Values.defaults().set("controller.podAntiAffinity", "always")))
        .hasMessageContaining("/controller/podAntiAffinity");
    // A typo would otherwise be ignored silently.
    assertThatThrownBy(() -> Chart.template(Values.defaults().set("controller.replica", 2)))
        .hasMessageContaining("/controller").hasMessageContaining("'replica' not allowed");
  }

  @Test
  void grafanaDashboardShipsTheChartsDashboard() throws Exception {
    Values values = Values.defaults().set("grafanaDashboard.enabled", true);
    var file = Chart.DIR.resolve("dashboards/corral.json");
    if (!Files.exists(file)) {
      // Until the dashboard lands in the chart, enabling it must fail with a clear message.
      assertThatThrownBy(() -> Chart.template(values)).hasMessageContaining("dashboards/corral.json");
      return;
    }
    ConfigMap dashboard = Chart.render(values).all(ConfigMap.class).stream()
        .filter(c -> c.getMetadata().getName().endsWith("-dashboard")).findFirst().orElseThrow();
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(dashboard.getData().get("corral.json").strip()).isEqualTo(Files.readString(file).strip());
  }

  @Test
  void notesTellTheNextSteps() {
    String notes = new Helm(Chart.DIR).install().withName(Chart.RELEASE).withNamespace(Chart.NAMESPACE)
        .withKubeVersion(Chart.KUBE_VERSION).clientOnly().dryRun().call().getOutput();
    assertThat(notes)
        .contains("kubectl -n corral-system rollout status deployment/corral-controller")
        .contains("kubectl label namespace shop corral.dev/inject=enabled")
        .contains("corral.dev/inject: \"false\"")
        .contains("kind: BalancePolicy")
        .contains("kubectl -n corral-system port-forward service/corral-controller 15014:15014")
        .contains("corralctl stat")
        .contains("Injection failure policy: Ignore.");
  }

  static Container podSpecContainer(Rendered r) {
    return r.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  static int containerPort(Container c, String name) {
    return c.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort)
        .findFirst().orElseThrow(() -> new AssertionError("no container port " + name));
  }

  static ServicePort servicePort(Service s, String name) {
    return s.getSpec().getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no service port " + name));
  }

  /** A targetPort or probe port as a number: named ports resolve through the container. */
  static int targetPort(Container c, IntOrString port) {
    return port.getIntVal() != null ? port.getIntVal() : containerPort(c, port.getStrVal());
  }

  static String arg(Container c, String flag) {
    return c.getArgs().stream().filter(a -> a.startsWith(flag + "=")).map(a -> a.substring(flag.length() + 1))
        .findFirst().orElseThrow(() -> new AssertionError("no argument " + flag));
  }

  @SuppressWarnings("unchecked")
  static <T> T cast(Object o) {
    return (T) o;
  }

  static JsonNode sidecarConfig(Rendered r) throws Exception {
    ConfigMap configMap = r.all(ConfigMap.class).stream()
        .filter(c -> c.getMetadata().getName().endsWith("-sidecar")).findFirst().orElseThrow();
    return new YAMLMapper().readTree(configMap.getData().get("sidecar.yaml"));
  }
}
