package dev.corral.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThatCode;

import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.xds.XdsResources;
import dev.corral.sidecar.bootstrap.ResourceChecks;
import dev.corral.sidecar.cluster.health.HealthCheckConfig;
import dev.corral.sidecar.cluster.lb.LoadBalancers;
import dev.corral.sidecar.cluster.limits.CircuitBreakers;
import dev.corral.sidecar.cluster.outlier.OutlierConfig;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every resource the translator generates passes the sidecar's own validation: the allowlist and
 * semantic checks it applies to xDS ({@link ResourceChecks}), and the components that validate the
 * subtrees the allowlist leaves open (balancer, health check, outlier detection, breakers). When
 * the sidecar's supported subset changes, this fails rather than a NACK in production.
 */
class SidecarAcceptsTranslationTest {

  static Stream<Arguments> translations() {
    MeshModel examples = TranslatorGoldenTest.load(TranslatorGoldenTest.EXAMPLES_MESH);
    MeshModel policies = TranslatorGoldenTest.load(TranslatorGoldenTest.POLICIES);
    MeshModel placement = TranslatorGoldenTest.load(PlacementFiltersTest.PLACEMENT);
    return Stream.of(
        Arguments.of("placement/web (Client cache and collapse)",
            Translator.translate(placement, PlacementFiltersTest.WEB)),
        Arguments.of("placement/images (Server collapse)",
            Translator.translate(placement, PlacementFiltersTest.IMAGES)),
        Arguments.of("examples/frontend", Translator.translate(examples, TranslatorGoldenTest.FRONTEND)),
        Arguments.of("examples/images", Translator.translate(examples, TranslatorGoldenTest.IMAGES)),
        Arguments.of("policies/catalog", Translator.translate(policies, TranslatorGoldenTest.CATALOG)),
        Arguments.of("policies/other-namespace",
            Translator.translate(policies, NodeContext.of("ratings-0", "other", "ratings"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("translations")
  void sidecarAcceptsEveryResource(String name, XdsResources r) {
    for (Cluster c : r.clusters()) {
      assertThatCode(() -> {
        ResourceChecks.cluster(c);
        LoadBalancers.forCluster(c, new SplittableRandom(1), System::nanoTime);
        HealthCheckConfig.forCluster(c.getHealthChecksList());
        if (c.hasOutlierDetection()) {
          OutlierConfig.fromProto(c.getOutlierDetection());
        }
        if (c.hasCircuitBreakers()) {
          CircuitBreakers.from(c.getCircuitBreakers());
        }
      }).as("cluster %s", c.getName()).doesNotThrowAnyException();
    }
    r.endpoints().forEach(e -> assertThatCode(() -> ResourceChecks.clusterLoadAssignment(e))
        .as("endpoints %s", e.getClusterName()).doesNotThrowAnyException());
    r.listeners().forEach(l -> assertThatCode(() -> ResourceChecks.listener(l))
        .as("listener %s", l.getName()).doesNotThrowAnyException());
    r.routes().forEach(rc -> assertThatCode(() -> ResourceChecks.routeConfiguration(rc))
        .as("routes %s", rc.getName()).doesNotThrowAnyException());
  }

}
