package dev.corral.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated openAPIV3Schemas, checked by a real JSON-schema validator (networknt): the API.md
 * examples pass, each example under {@code crd-examples/invalid} is refused at the field its first
 * line names. The CEL rules (x-kubernetes-validations) are not evaluated here; the examples under
 * {@code crd-examples/cel} pass the OpenAPI part, the rule each names is in the CRD at that place,
 * and the control plane's PolicyValidatorTest refuses the same files (CelExamplesTest).
 */
class CrdSchemaTest {
  private static final Path EXAMPLES = Path.of("src", "test", "resources", "crd-examples");
  private static final Map<String, String> PLURALS = Map.of(
      BalancePolicy.KIND, BalancePolicy.PLURAL,
      CachePolicy.KIND, CachePolicy.PLURAL,
      CollapsePolicy.KIND, CollapsePolicy.PLURAL);

  static Stream<Path> valid() throws IOException {
    return list("valid");
  }

  static Stream<Path> invalid() throws IOException {
    return list("invalid");
  }

  static Stream<Path> cel() throws IOException {
    return list("cel");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void acceptsTheApiExamples(Path example) throws IOException {
    assertThat(validate(example)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refusesInvalidPoliciesNamingTheField(Path example) throws IOException {
    String expected = firstLineAfter(example, "# expect: ");
    assertThat(validate(example)).as("errors for %s", example.getFileName())
        .anySatisfy(m -> assertThat(m.getMessage()).contains(expected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cel")
  void celOnlyExamplesPassTheOpenApiPartAndTheirRuleIsInTheCrd(Path example) throws IOException {
    assertThat(validate(example)).as("OpenAPI errors for %s", example.getFileName()).isEmpty();
    String expected = firstLineAfter(example, "# rule: ");
    int colon = expected.indexOf(": ");
    String field = expected.substring(0, colon);
    String message = expected.substring(colon + 2);
    JsonNode policy = GeneratedCrds.YAML.readTree(example.toFile());
    JsonNode schema = GeneratedCrds.crd(PLURALS.get(policy.get("kind").asText()))
        .at("/spec/versions/0/schema/openAPIV3Schema");
    for (String part : field.split("\\.")) {
      schema = schema.at("/properties/" + part);
    }
    List<String> messages = new ArrayList<>();
    schema.path("x-kubernetes-validations").forEach(r -> messages.add(r.get("message").asText()));
    assertThat(messages).as("x-kubernetes-validations at %s", field).contains(message);
  }

  @Test
  void everyCrdIsNamespacedWithStatusSubresourceAndPrinterColumns() {
    for (String plural : PLURALS.values()) {
      JsonNode crd = GeneratedCrds.crd(plural);
      assertThat(crd.at("/spec/group").asText()).isEqualTo("corral.dev");
      assertThat(crd.at("/spec/scope").asText()).isEqualTo("Namespaced");
      assertThat(crd.at("/spec/names/plural").asText()).isEqualTo(plural);
      JsonNode version = crd.at("/spec/versions/0");
      assertThat(version.get("name").asText()).isEqualTo("v1alpha1");
      assertThat(version.at("/subresources/status").isObject()).as("status subresource").isTrue();
      List<String> columns = new ArrayList<>();
      version.get("additionalPrinterColumns").forEach(c -> columns.add(c.get("name").asText()));
      String second = plural.equals(BalancePolicy.PLURAL) ? "ALGORITHM" : "PLACEMENT";
      assertThat(columns).containsExactlyInAnyOrder("TARGET", second, "ACCEPTED", "PROGRAMMED", "AGE");
    }
  }

  private static Set<ValidationMessage> validate(Path example) throws IOException {
    JsonNode policy = GeneratedCrds.YAML.readTree(example.toFile());
    String plural = PLURALS.get(policy.get("kind").asText());
    assertThat(plural).as("kind of %s", example).isNotNull();
    JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4)
        .getSchema(GeneratedCrds.strictSpecSchema(plural));
    return schema.validate(policy);
  }

  private static String firstLineAfter(Path file, String prefix) throws IOException {
    String first = Files.readAllLines(file).get(0);
    assertThat(first).as("first line of %s", file).startsWith(prefix);
    return first.substring(prefix.length());
  }

  private static Stream<Path> list(String dir) throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES.resolve(dir))) {
      return files.sorted().toList().stream();
    }
  }
}
