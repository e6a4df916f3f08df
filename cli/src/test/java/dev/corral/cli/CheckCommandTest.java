package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CheckCommandTest {
  @Test
  void failsWhenASidecarIsBehindAndSaysWhatToDo() throws Exception {
    var xds = Http.JSON.readTree("""
        {"sidecars": [{"nodeId": "a.shop", "upToDate": true, "behind": []},
                      {"nodeId": "b.shop", "upToDate": false, "behind": ["CDS"]}],
         "rejectedPolicies": {}, "publishing": false}
        """);
    List<CheckCommand.Result> results = CheckCommand.sidecars(xds);
    assertThat(results).extracting(CheckCommand.Result::mark).containsExactly("✔", "✘");
    assertThat(CheckCommand.render(results)).contains("✔ 2 sidecars connected",
        "✘ 1 of 2 sidecars not on the latest version: b.shop (CDS)", "    a NACK holds a sidecar back");
  }

  @Test
  void crdsAreSkippedInLocalModeAndCheckedInACluster() throws Exception {
    assertThat(CheckCommand.crds(Http.JSON.readTree("{\"mode\": \"local\", \"crds\": null}")).mark()).isEqualTo("–");
    CheckCommand.Result missing = CheckCommand.crds(Http.JSON.readTree(
        "{\"mode\": \"kubernetes\", \"crds\": {\"present\": [], \"missing\": [\"cachepolicies.corral.dev\"]}}"));
    assertThat(missing.mark()).isEqualTo("✘");
    assertThat(missing.fix()).contains("kubectl apply -f crds/");
  }

  @Test
  void reportsSourceProblemsWithFileLineAndField() throws Exception {
    CheckCommand.Result r = CheckCommand.problems(Http.JSON.readTree("""
        {"problems": [{"source": "images-policy.yaml", "object": "BalancePolicy shop/images", "line": 7,
                       "field": "spec.hashOn", "message": "required for RingHash"}]}
        """));
    assertThat(r.mark()).isEqualTo("✘");
    assertThat(r.fix()).startsWith("images-policy.yaml:7: BalancePolicy shop/images: spec.hashOn: required for RingHash");
  }
}
