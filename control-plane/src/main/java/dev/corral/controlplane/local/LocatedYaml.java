package dev.corral.controlplane.local;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a multi-document YAML text into trees, remembering the line of every field so that errors
 * found later (by Jackson's binding, by the validator) can point at a line. Jackson's tree model and
 * fabric8's {@code Serialization} (which goes through snakeyaml-engine) both drop locations.
 */
final class LocatedYaml {
  private static final YAMLFactory YAML = YAMLFactory.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** One document: its tree, the line it starts on, and the line of each field path. */
  record Document(JsonNode root, int line, Map<String, Integer> lines) {
    /**
     * The line of {@code path} ({@code spec.retries.retryOn[2]}), else of its nearest ancestor,
     * else the document's first line.
     */
    int lineOf(String path) {
      String p = path;
      while (!p.isEmpty()) {
        Integer line = lines.get(p);
        if (line != null) {
          return line;
        }
        int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
        p = cut < 0 ? "" : p.substring(0, cut);
      }
      return line;
    }
  }

  private LocatedYaml() {}

  /**
   * Parses every document of {@code text}; empty documents are skipped.
   *
   * @throws IOException with a location when the text is not YAML
   */
  static List<Document> read(String text) throws IOException {
    List<Document> docs = new ArrayList<>();
    try (JsonParser p = YAML.createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        int line = p.currentTokenLocation().getLineNr();
        Map<String, Integer> lines = new HashMap<>();
        JsonNode root = value(p, t, "", lines);
        // "---" followed by nothing (or only comments) is an empty document, not a manifest.
        if (!root.isNull() && !(root.isTextual() && root.asText().isEmpty())) {
          docs.add(new Document(root, line, Map.copyOf(lines)));
        }
      }
    }
    return docs;
  }

  private static JsonNode value(JsonParser p, JsonToken t, String path, Map<String, Integer> lines) throws IOException {
    switch (t) {
      case START_OBJECT: {
        ObjectNode node = NODES.objectNode();
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          String child = path.isEmpty() ? name : path + "." + name;
          lines.putIfAbsent(child, p.currentTokenLocation().getLineNr());
          node.set(name, value(p, p.nextToken(), child, lines));
        }
        return node;
      }
      case START_ARRAY: {
        ArrayNode node = NODES.arrayNode();
        int i = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          String child = path + "[" + i++ + "]";
          lines.putIfAbsent(child, p.currentTokenLocation().getLineNr());
          node.add(value(p, t, child, lines));
        }
        return node;
      }
      case VALUE_STRING:
        return NODES.textNode(p.getText());
      case VALUE_NUMBER_INT:
        switch (p.getNumberType()) {
          case INT: return NODES.numberNode(p.getIntValue());
          case LONG: return NODES.numberNode(p.getLongValue());
          default: return NODES.numberNode(p.getBigIntegerValue());
        }
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(p.getDecimalValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      case VALUE_EMBEDDED_OBJECT:
        return NODES.pojoNode(p.getEmbeddedObject());
      default:
        throw new IllegalStateException("unexpected token " + t + " at " + path);
    }
  }
}
