package dev.corral.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.controlplane.local.LocalModelSource;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.xds.XdsResources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Translates manifest folders and compares the resources, as proto JSON, with committed golden
 * files. Regenerate after an intended change with
 * {@code ./mvnw -o -B -pl control-plane test -Dtest=TranslatorGoldenTest -Dcorral.updateGolden=true}
 * and review the diff.
 */
class TranslatorGoldenTest {
  static final Path EXAMPLES_MESH = Path.of("../examples/mesh");
  static final Path POLICIES = Path.of("src/test/resources/translate/policies");
  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final boolean UPDATE = Boolean.getBoolean("corral.updateGolden");

  /** The frontend's sidecar in local mode: ports from its node metadata. */
  static final NodeContext FRONTEND = new NodeContext("frontend-0", "shop", "frontend", "127.0.0.1",
      16001, 16006, OptionalInt.of(18080));
  /** An images pod's sidecar in local mode. */
  static final NodeContext IMAGES = new NodeContext("images-0", "shop", "images", "127.0.0.1",
      17001, 17006, OptionalInt.of(18081));
  /** A Kubernetes sidecar: well-known ports, app port found from its own endpoint. */
  static final NodeContext CATALOG = NodeContext.of("catalog-1", "shop", "catalog");

  static MeshModel load(Path folder) {
    LocalModelSource source = LocalModelSource.create(folder);
    MeshModel model = source.reload();
    assertThat(source.problems()).as("problems in %s", folder).isEmpty();
    return model;
  }

  @Test
  void examplesMeshForTheFrontend() throws IOException {
    check("examples-mesh-frontend.json", Translator.translate(load(EXAMPLES_MESH), FRONTEND));
  }

  @Test
  void examplesMeshForAnImagesPod() throws IOException {
    check("examples-mesh-images.json", Translator.translate(load(EXAMPLES_MESH), IMAGES));
  }

  @Test
  void everyBalancePolicyFeature() throws IOException {
    check("policies-catalog.json", Translator.translate(load(POLICIES), CATALOG));
  }

  @Test
  void cacheAndCollapseByPlacement() throws IOException {
    MeshModel placement = load(PlacementFiltersTest.PLACEMENT);
    check("placement-web.json", Translator.translate(placement, PlacementFiltersTest.WEB));
    check("placement-images.json", Translator.translate(placement, PlacementFiltersTest.IMAGES));
  }

  private static void check(String name, XdsResources resources) throws IOException {
    assertThat(resources.consistencyProblems()).isEmpty();
    String actual = XdsJson.print(resources);
    Path file = GOLDEN.resolve(name);
    if (UPDATE || !Files.exists(file)) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      if (!UPDATE) {
        throw new AssertionError("golden file " + file + " was missing; written, review and commit it");
      }
      return;
    }
    assertThat(actual)
        .as("%s differs; if the change is intended, rerun with -Dcorral.updateGolden=true", file)
        .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }
}
