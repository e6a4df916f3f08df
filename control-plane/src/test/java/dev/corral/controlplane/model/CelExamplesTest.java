package dev.corral.controlplane.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.corral.api.v1alpha1.BalancePolicySpec;
import dev.corral.api.v1alpha1.CachePolicySpec;
import dev.corral.api.v1alpha1.CollapsePolicySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRDs' CEL rules (x-kubernetes-validations) are enforced by the API server, which does not
 * run here; the semantic validator enforces the same rules, and this test holds it to the very
 * examples api's CrdSchemaTest finds to be stopped only by a CEL rule
 * ({@code api/src/test/resources/crd-examples/cel}, first line {@code # rule: <field>: <message>}).
 */
class CelExamplesTest {
  private static final ObjectMapper YAML = new YAMLMapper();
  /** Surefire runs in the module directory; the examples belong to api's schema test. */
  private static final Path EXAMPLES = Path.of("..", "api", "src", "test", "resources", "crd-examples");

  static Stream<Path> cel() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES.resolve("cel"))) {
      return files.sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cel")
  void semanticValidatorRefusesWhatOnlyACelRuleRefuses(Path example) throws IOException {
    String rule = Files.readAllLines(example).get(0).substring("# rule: ".length());
    String field = rule.substring(0, rule.indexOf(": "));
    assertThat(violations(example)).as("violations of %s", example.getFileName())
        .isNotEmpty()
        .anySatisfy(v -> assertThat(v.field()).startsWith(field));
  }

  @Test
  void validExamplesAreSemanticallyValid() throws IOException {
    for (String name : List.of("balancepolicy-ringhash.yaml", "cachepolicy.yaml", "collapsepolicy.yaml")) {
      assertThat(violations(EXAMPLES.resolve("valid").resolve(name))).as(name).isEmpty();
    }
  }

  @Test
  void apiMdBalancePolicyExampleIsRefusedForItsHashOnWithLeastRequest() throws IOException {
    // API.md lists every field in one example, hashOn included, with algorithm LeastRequest.
    assertThat(violations(EXAMPLES.resolve("valid").resolve("balancepolicy.yaml")))
        .extracting(Violation::field).containsExactly("spec.hashOn");
  }

  private static List<Violation> violations(Path example) throws IOException {
    JsonNode policy = YAML.readTree(example.toFile());
    JsonNode spec = policy.get("spec");
    return switch (policy.get("kind").asText()) {
      case "BalancePolicy" -> PolicyValidator.validate(YAML.treeToValue(spec, BalancePolicySpec.class));
      case "CachePolicy" -> PolicyValidator.validate(YAML.treeToValue(spec, CachePolicySpec.class));
      case "CollapsePolicy" -> PolicyValidator.validate(YAML.treeToValue(spec, CollapsePolicySpec.class));
      default -> throw new IllegalArgumentException(example + ": unknown kind");
    };
  }
}
