package dev.corral.operator.chart;

import static java.util.Objects.requireNonNull;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The chart under test: renders helm/corral with real Helm and parses the result with fabric8. */
final class Chart {
  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final Path DIR = REPO.resolve("helm/corral");
  static final String RELEASE = "corral";
  static final String NAMESPACE = "corral-system";
  /** The oldest Kubernetes the chart supports (Chart.yaml kubeVersion); Helm's default is older. */
  static final String KUBE_VERSION = "v1.25.0";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

  private Chart() {}

  /** How to render: values files (relative to the chart) and --set pairs. */
  record Values(List<String> files, Map<String, Object> sets) {
    Values {
      files = List.copyOf(files);
      sets = Map.copyOf(sets);
    }

    static Values defaults() {
      return new Values(List.of(), Map.of());
    }

    static Values file(String file) {
      return new Values(List.of(file), Map.of());
    }

    Values set(String key, Object value) {
      Map<String, Object> more = new LinkedHashMap<>(sets);
      more.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
      return new Values(files, more);
    }
  }

  static LintResult lint() {
    return new Helm(DIR).lint().strict().call();
  }

  /** {@code helm template} output as text (templates only; CRDs are read from crds/ directly). */
  static String template(Values values) {
    TemplateCommand command = new Helm(DIR).template()
        .withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
    for (String file : values.files()) {
      command = command.withValuesFile(DIR.resolve(file));
    }
    for (Map.Entry<String, Object> e : values.sets().entrySet()) {
      command = command.set(e.getKey(), e.getValue());
    }
    return command.call();
  }

  /** Every rendered document, parsed by fabric8 (unknown kinds become GenericKubernetesResource). */
  static Rendered render(Values values) {
    return new Rendered(parse(template(values)));
  }

  static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
      if (document.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
        continue;
      }
      objects.add(SERIALIZATION.unmarshal(document, HasMetadata.class));
    }
    return objects;
  }

  /** The CRD files shipped in the chart (helm/corral/crds), parsed. */
  static List<HasMetadata> crds() throws Exception {
    List<HasMetadata> crds = new ArrayList<>();
    for (Path file : yamlFiles(DIR.resolve("crds"))) {
      crds.addAll(parse(Files.readString(file)));
    }
    return crds;
  }

  static List<Path> yamlFiles(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted().toList();
    }
  }

  /** A rendered release: look up objects by kind and name. */
  record Rendered(List<HasMetadata> objects) {
    Rendered {
      objects = List.copyOf(objects);
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
      return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type) {
      List<T> found = all(type);
      if (found.size() != 1) {
        throw new AssertionError("expected one " + type.getSimpleName() + ", rendered " + found.size());
      }
      return found.get(0);
    }

    List<HasMetadata> ofKind(String kind) {
      return objects.stream().filter(o -> o.getKind().equals(kind)).toList();
    }
  }
}
