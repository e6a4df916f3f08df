package dev.corral.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chart's crds/ is a byte-for-byte copy of the generated crds/ at the repository root. */
class ChartCrdsTest {
  static final Path GENERATED = Chart.REPO.resolve("crds");
  static final Path CHART = Chart.DIR.resolve("crds");

  @Test
  void chartCrdsEqualTheGeneratedOnes() throws Exception {
    List<Path> generated = Chart.yamlFiles(GENERATED);
    assumeTrue(!generated.isEmpty(), "crds/ has no generated CRD yet");
    assertThat(Chart.yamlFiles(CHART)).as("files in helm/corral/crds (cp crds/*.yaml helm/corral/crds/)")
        .extracting(p -> p.getFileName().toString())
        .containsExactlyElementsOf(generated.stream().map(p -> p.getFileName().toString()).toList());
    for (Path file : generated) {
      assertThat(Files.readString(CHART.resolve(file.getFileName().toString())))
          .as("helm/corral/crds/%s equals crds/%s (cp crds/*.yaml helm/corral/crds/)", file.getFileName(), file.getFileName())
          .isEqualTo(Files.readString(file));
    }
  }
}
