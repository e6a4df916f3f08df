package dev.corral.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * The CRDs the build generated into {@code api/target/crds} (the crd-generator plugin runs at
 * process-classes, before the tests) and the committed copies in {@code crds/}.
 */
final class GeneratedCrds {
  private GeneratedCrds() {}

  static final ObjectMapper YAML = new YAMLMapper();
  /** Surefire runs in the module directory. */
  static final Path GENERATED = Path.of("target", "crds");
  static final Path COMMITTED = Path.of("..", "crds");
  static final String UPDATE_COMMAND = "./mvnw -q -B -pl api process-classes -Dupdate-crds";

  static String fileName(String plural) {
    return plural + "." + BalancePolicy.GROUP + "-v1.yml";
  }

  static JsonNode crd(String plural) {
    Path file = GENERATED.resolve(fileName(plural));
    if (!Files.exists(file)) {
      throw new IllegalStateException(file.toAbsolutePath() + " is missing: the crd-generator plugin runs at"
          + " process-classes; run the tests through Maven (./mvnw test -pl api)");
    }
    return read(file);
  }

  /**
   * The CRD's openAPIV3Schema with {@code additionalProperties: false} on every object under
   * {@code spec}: kubectl's default strict field validation refuses unknown fields, where the
   * bare structural schema would silently prune them.
   */
  static JsonNode strictSpecSchema(String plural) {
    JsonNode schema = crd(plural).at("/spec/versions/0/schema/openAPIV3Schema").deepCopy();
    closeObjects(schema.at("/properties/spec"));
    return schema;
  }

  private static void closeObjects(JsonNode node) {
    if (!node.isObject()) {
      return;
    }
    ObjectNode o = (ObjectNode) node;
    if (o.has("properties") && !o.has("x-kubernetes-preserve-unknown-fields")) {
      o.put("additionalProperties", false);
      for (Iterator<Map.Entry<String, JsonNode>> it = o.get("properties").fields(); it.hasNext(); ) {
        closeObjects(it.next().getValue());
      }
    }
    if (o.has("items")) {
      closeObjects(o.get("items"));
    }
  }

  static JsonNode read(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
