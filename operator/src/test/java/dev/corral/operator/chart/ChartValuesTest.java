package dev.corral.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** values.yaml: every key documented for helm-docs, every key used by a template, no template typo. */
class ChartValuesTest {
  private static final Pattern KEY_LINE = Pattern.compile("^( *)([A-Za-z][A-Za-z0-9_-]*):(\\s.*)?$");
  private static final Pattern VALUES_REF = Pattern.compile("\\.Values((?:\\.[A-Za-z][A-Za-z0-9_]*)+)");

  @Test
  void everyKeyIsDocumentedWithAHelmDocsComment() throws Exception {
    Set<String> documented = documentedKeys(Chart.DIR.resolve("values.yaml"));
    for (String leaf : leaves(values())) {
      assertThat(documentedAncestor(leaf, documented)).as("`# --` comment on %s or a parent", leaf).isNotNull();
    }
  }

  @Test
  void everyDocumentedKeyIsUsedByATemplate() throws Exception {
    Set<String> referenced = templateReferences();
    for (String key : documentedKeys(Chart.DIR.resolve("values.yaml"))) {
      boolean used = referenced.stream().anyMatch(r -> r.equals(key) || r.startsWith(key + "."));
      assertThat(used).as("values key %s is used by a template", key).isTrue();
    }
  }

  @Test
  void templatesReferOnlyToKeysThatExist() throws Exception {
    JsonNode values = values();
    for (String ref : templateReferences()) {
      assertThat(exists(values, ref)).as(".Values.%s in a template exists in values.yaml", ref).isTrue();
    }
  }

  @Test
  void haValuesOnlySetKeysThatExist() throws Exception {
    JsonNode values = values();
    JsonNode ha = new YAMLMapper().readTree(Chart.DIR.resolve("values-ha.yaml").toFile());
    for (String leaf : leaves(ha)) {
      assertThat(exists(values, leaf)).as("values-ha.yaml key %s exists in values.yaml", leaf).isTrue();
    }
  }

  @Test
  void everyDocumentedKeyIsInTheInstallGuidesTable() throws Exception {
    String guide = Files.readString(Chart.REPO.resolve("docs/install.md"));
    for (String key : documentedKeys(Chart.DIR.resolve("values.yaml"))) {
      assertThat(guide).as("docs/install.md lists values key %s", key).contains("| `" + key + "` |");
    }
  }

  @Test
  void schemaDescribesExactlyTheKeysOfValuesYaml() throws Exception {
    JsonNode schema = new YAMLMapper().readTree(Chart.DIR.resolve("values.schema.json").toFile());
    List<String> schemaLeaves = new ArrayList<>();
    collectSchemaLeaves("", schema, schemaLeaves);
    JsonNode values = values();
    for (String leaf : schemaLeaves) {
      assertThat(exists(values, leaf)).as("values.schema.json key %s exists in values.yaml", leaf).isTrue();
    }
    for (String leaf : leaves(values)) {
      assertThat(schemaLeaves).as("values.schema.json covers %s", leaf)
          .anyMatch(s -> leaf.equals(s) || leaf.startsWith(s + "."));
    }
  }

  private static void collectSchemaLeaves(String prefix, JsonNode schema, List<String> out) {
    JsonNode properties = schema.get("properties");
    if (properties == null) {
      out.add(prefix);
      return;
    }
    properties.fields().forEachRemaining(e ->
        collectSchemaLeaves(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out));
  }

  @Test
  void theCheckFindsAnUndocumentedKey() {
    List<String> lines = List.of("# -- documented", "a: 1", "b:", "  # -- nested", "  c: 2", "  d: 3");
    Set<String> documented = documentedKeys(lines);
    assertThat(documented).containsExactlyInAnyOrder("a", "b.c");
    assertThat(documentedAncestor("b.d", documented)).isNull();
  }

  static JsonNode values() throws Exception {
    return new YAMLMapper().readTree(Chart.DIR.resolve("values.yaml").toFile());
  }

  /** Dotted paths of every scalar, list and empty map (the keys a user sets). */
  static List<String> leaves(JsonNode node) {
    List<String> out = new ArrayList<>();
    collectLeaves("", node, out);
    return out;
  }

  private static void collectLeaves(String prefix, JsonNode node, List<String> out) {
    if (!node.isObject() || node.isEmpty()) {
      out.add(prefix);
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      collectLeaves(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
    }
  }

  static boolean exists(JsonNode values, String path) {
    JsonNode node = values;
    for (String part : path.split("\\.")) {
      node = node.get(part);
      if (node == null) {
        return false;
      }
    }
    return true;
  }

  static Set<String> documentedKeys(Path valuesFile) throws Exception {
    return documentedKeys(Files.readAllLines(valuesFile));
  }

  /** Keys whose comment block (the `#` lines just above) starts with `# --`, as helm-docs wants. */
  static Set<String> documentedKeys(List<String> lines) {
    Set<String> documented = new TreeSet<>();
    Deque<Map.Entry<Integer, String>> stack = new ArrayDeque<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = KEY_LINE.matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      int indent = m.group(1).length();
      while (!stack.isEmpty() && stack.peek().getKey() >= indent) {
        stack.pop();
      }
      String path = stack.isEmpty() ? m.group(2) : stack.peek().getValue() + "." + m.group(2);
      stack.push(Map.entry(indent, path));
      int first = i;
      while (first > 0 && lines.get(first - 1).strip().startsWith("#")) {
        first--;
      }
      if (first < i && lines.get(first).strip().startsWith("# -- ")) {
        documented.add(path);
      }
    }
    return documented;
  }

  static @Nullable String documentedAncestor(String leaf, Set<String> documented) {
    for (String path = leaf; ; path = path.substring(0, path.lastIndexOf('.'))) {
      if (documented.contains(path)) {
        return path;
      }
      if (!path.contains(".")) {
        return null;
      }
    }
  }

  static Set<String> templateReferences() throws Exception {
    Set<String> refs = new LinkedHashSet<>();
    try (var files = Files.list(Chart.DIR.resolve("templates"))) {
      for (Path file : files.toList()) {
        Matcher m = VALUES_REF.matcher(Files.readString(file));
        while (m.find()) {
          refs.add(m.group(1).substring(1));
        }
      }
    }
    return refs;
  }
}
