package dev.corral.controlplane.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.api.v1alpha1.Algorithm;
import dev.corral.api.v1alpha1.Placement;
import dev.corral.controlplane.model.Endpoint;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.model.PolicyKind;
import dev.corral.controlplane.model.ServiceKey;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** examples/mesh is what `corral demo` runs: it must load cleanly. */
class ExampleMeshTest {
  static final Path EXAMPLE = Path.of("..", "examples", "mesh");

  @Test
  void exampleMeshLoadsWithZeroProblems() {
    assertThat(Files.isDirectory(EXAMPLE)).as(EXAMPLE.toAbsolutePath().toString()).isTrue();
    try (LocalModelSource source = LocalModelSource.create(EXAMPLE)) {
      MeshModel model = source.reload();
      assertThat(source.problems()).isEmpty();

      ServiceKey images = ServiceKey.of("shop", "images");
      ServiceKey frontend = ServiceKey.of("shop", "frontend");
      assertThat(model.services().keySet()).containsExactly(frontend, images);
      assertThat(model.service(images).orElseThrow().port("http").orElseThrow().port()).isEqualTo(8080);
      assertThat(model.endpointsOf(images).endpoints())
          .extracting(e -> e.port("http").getAsInt()).containsExactlyInAnyOrder(18081, 18082, 18083);
      assertThat(model.endpointsOf(images).endpoints()).allMatch(Endpoint::ready)
          .extracting(Endpoint::podName).containsExactlyInAnyOrder("images-0", "images-1", "images-2");
      assertThat(model.endpointsOf(frontend).endpoints()).singleElement()
          .satisfies(e -> assertThat(e.port("http")).hasValue(18080));

      var balance = model.policyFor(PolicyKind.BALANCE, images).orElseThrow().spec();
      assertThat(balance.getAlgorithm()).isEqualTo(Algorithm.LEAST_REQUEST);
      assertThat(balance.getRetries().getAttempts()).isEqualTo(2);
      assertThat(model.policyFor(PolicyKind.CACHE, images).orElseThrow().spec().getPlacement()).isEqualTo(Placement.CLIENT);
      assertThat(model.policyFor(PolicyKind.COLLAPSE, images).orElseThrow().spec().getPlacement()).isEqualTo(Placement.SERVER);
      assertThat(model.conflicted()).isEmpty();
      assertThat(model.targetNotFound()).isEmpty();
    }
  }
}
