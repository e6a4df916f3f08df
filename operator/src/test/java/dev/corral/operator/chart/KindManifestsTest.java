package dev.corral.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.api.v1alpha1.Algorithm;
import dev.corral.api.v1alpha1.BalancePolicy;
import dev.corral.controlplane.model.PolicyValidator;
import dev.corral.operator.chart.Chart.Rendered;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The manifests of e2e/kind/run.sh (not run here): the demo Service reaches the 3 `images` pods on
 * a port they serve, and the policy targets that Service, so a failure on a real cluster is Corral's.
 */
class KindManifestsTest {
  static final Path KIND = Chart.REPO.resolve("e2e/kind");

  @Test
  void demoServiceSelectsTheThreeImagesPodsOnTheirPort() throws Exception {
    Rendered demo = new Rendered(Chart.parse(Files.readString(KIND.resolve("demo.yaml"))));
    Service service = demo.one(Service.class);
    Deployment images = demo.all(Deployment.class).stream()
        .filter(d -> d.getMetadata().getName().equals("images")).findFirst().orElseThrow();
    assertThat(images.getSpec().getReplicas()).isEqualTo(3);
    var pod = images.getSpec().getTemplate();
    assertThat(pod.getMetadata().getLabels()).containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(LabelSelectors.matches(images.getSpec().getSelector(), pod.getMetadata().getLabels())).isTrue();
    String targetPort = service.getSpec().getPorts().get(0).getTargetPort().getStrVal();
    assertThat(pod.getSpec().getContainers().get(0).getPorts())
        .anySatisfy(p -> assertThat(p.getName()).isEqualTo(targetPort));
    // The script calls http://images.shop:8080/.
    assertThat(service.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(8080);
    // The caller needs no mesh-specific settings and must not opt out of injection.
    for (HasMetadata o : demo.objects()) {
      assertThat(o.getMetadata().getNamespace()).isEqualTo("shop");
    }
    assertThat(demo.all(Deployment.class)).allSatisfy(d ->
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations()).isNullOrEmpty());
  }

  @Test
  void policyIsValidAndTargetsTheDemoService() throws Exception {
    HasMetadata parsed = Chart.parse(Files.readString(KIND.resolve("policies.yaml"))).get(0);
    assertThat(parsed).isInstanceOf(BalancePolicy.class);
    BalancePolicy policy = (BalancePolicy) parsed;
    assertThat(policy.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(policy.getSpec().getTargetRef().getKind()).isEqualTo("Service");
    assertThat(policy.getSpec().getTargetRef().getName()).isEqualTo("images");
    assertThat(policy.getSpec().getAlgorithm()).isEqualTo(Algorithm.ROUND_ROBIN);
    // The control plane's own semantic validation accepts it.
    assertThat(PolicyValidator.validate(policy.getSpec())).isEmpty();
  }
}
