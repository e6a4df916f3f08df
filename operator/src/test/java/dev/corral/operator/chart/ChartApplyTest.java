package dev.corral.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corral.operator.chart.Chart.Values;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Applies the rendered chart to fabric8's mock API server (CRUD mode) and reads every object back:
 * the documents are objects an API server stores as written, not just YAML that parses.
 */
@EnableKubernetesMockClient(crud = true)
class ChartApplyTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  KubernetesClient client;

  @Test
  void defaultReleaseAppliesAndReadsBack() {
    applyAndReadBack(Chart.render(Values.defaults()).objects());
  }

  @Test
  void haReleaseWithEveryOptionAppliesAndReadsBack() {
    // cert-manager's and the Prometheus Operator's kinds exist in a cluster that runs them.
    client.resource(crd("cert-manager.io", "Certificate", "certificates")).create();
    client.resource(crd("cert-manager.io", "Issuer", "issuers")).create();
    client.resource(crd("monitoring.coreos.com", "ServiceMonitor", "servicemonitors")).create();
    client.resource(crd("monitoring.coreos.com", "PodMonitor", "podmonitors")).create();
    List<HasMetadata> objects = Chart.render(Values.file("values-ha.yaml")
        .set("certManager.enabled", true).set("serviceMonitor.enabled", true).set("podMonitor.enabled", true)).objects();
    assertThat(objects).extracting(HasMetadata::getKind)
        .contains("PodDisruptionBudget", "Certificate", "Issuer", "ServiceMonitor", "PodMonitor");
    applyAndReadBack(objects);
  }

  @Test
  void chartCrdsApplyAndReadBack() throws Exception {
    List<HasMetadata> crds = Chart.crds();
    assumeTrue(!crds.isEmpty(), "helm/corral/crds/ holds no CRD yet (copied from crds/ once generated)");
    assertThat(crds).allMatch(CustomResourceDefinition.class::isInstance);
    applyAndReadBack(crds);
  }

  private void applyAndReadBack(List<HasMetadata> objects) {
    for (HasMetadata o : objects) {
      client.resource(o).create();
    }
    for (HasMetadata o : objects) {
      HasMetadata stored = client.resource(o).get();
      assertThat(stored).as("%s %s read back", o.getKind(), o.getMetadata().getName()).isNotNull();
      assertThat(stored.getMetadata().getLabels()).isEqualTo(o.getMetadata().getLabels());
      assertThat(withoutServerFields(stored)).as("%s %s", o.getKind(), o.getMetadata().getName())
          .isEqualTo(withoutServerFields(o));
    }
  }

  /** The object as the user wrote it: metadata and status are (partly) the server's. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> withoutServerFields(HasMetadata o) {
    Map<String, Object> map = SERIALIZATION.convertValue(o, Map.class);
    map.remove("metadata");
    map.remove("status");
    return map;
  }

  private static CustomResourceDefinition crd(String group, String kind, String plural) {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(plural + "." + group).endMetadata()
        .withNewSpec().withGroup(group).withScope("Namespaced")
        .withNewNames().withKind(kind).withPlural(plural).withSingular(kind.toLowerCase(java.util.Locale.ROOT))
        .endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema().endSchema().endVersion()
        .endSpec().build();
  }
}
