package dev.corral.controlplane.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.xds.XdsResources;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sharing through a memo changes nothing in the output, only how often it is built. */
class TranslationMemoTest {
  private static final List<NodeContext> NODES = List.of(TranslatorGoldenTest.FRONTEND,
      TranslatorGoldenTest.IMAGES, NodeContext.of("ratings-0", "other", "ratings"));

  @Test
  void sameOutputAsWithoutSharingAndOneInstancePerPiece() {
    MeshModel model = TranslatorGoldenTest.load(TranslatorGoldenTest.EXAMPLES_MESH);
    TranslationMemo memo = new TranslationMemo();
    XdsResources first = null;
    for (NodeContext node : NODES) {
      XdsResources shared = Translator.translate(model, node, PlacementFilters.fromPolicies(), LocalSidecars.none(), memo);
      assertThat(shared).as(node.group()).isEqualTo(Translator.translate(model, node));
      if (first == null) {
        first = shared;
      } else {
        assertThat(shared.endpoints()).isSameAs(first.endpoints());
        assertThat(shared.clusters().get(0)).isSameAs(first.clusters().get(0));
      }
    }
  }

  @Test
  void aNewGenerationReusesUnchangedPiecesAndDropsTheRest() {
    MeshModel model = TranslatorGoldenTest.load(TranslatorGoldenTest.EXAMPLES_MESH);
    MeshModel equalCopy = TranslatorGoldenTest.load(TranslatorGoldenTest.EXAMPLES_MESH);
    TranslationMemo memo = new TranslationMemo();
    XdsResources before = Translator.translate(model, TranslatorGoldenTest.FRONTEND, PlacementFilters.fromPolicies(),
        LocalSidecars.none(), memo);
    memo.nextGeneration();
    XdsResources after = Translator.translate(equalCopy, TranslatorGoldenTest.FRONTEND, PlacementFilters.fromPolicies(),
        LocalSidecars.none(), memo);
    assertThat(after).isEqualTo(before);
    // Built from another model object, yet the per-Service pieces are the previous instances.
    assertThat(after.endpoints()).isNotSameAs(before.endpoints());
    assertThat(after.endpoints().get(0)).isSameAs(before.endpoints().get(0));
  }
}
