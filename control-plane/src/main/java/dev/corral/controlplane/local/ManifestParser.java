package dev.corral.controlplane.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.corral.api.WellKnown;
import dev.corral.controlplane.local.Decoded.DecodedPolicy;
import dev.corral.controlplane.local.Decoded.DecodedService;
import dev.corral.controlplane.local.Decoded.DecodedSlice;
import dev.corral.controlplane.local.Decoded.ObjectId;
import dev.corral.controlplane.model.BindingErrors;
import dev.corral.controlplane.model.KubernetesObjects;
import dev.corral.controlplane.model.KubernetesObjects.UnknownFields;
import dev.corral.controlplane.model.PolicyKind;
import dev.corral.controlplane.model.PolicyValidator;
import dev.corral.controlplane.model.Service;
import dev.corral.controlplane.model.ServiceKey;
import dev.corral.controlplane.model.SourceProblem;
import dev.corral.controlplane.model.Violation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns one manifest file into {@link Decoded} objects, or into problems that name the file, the
 * line, the object and the field. Kubernetes kinds bind to fabric8's model classes, Corral kinds to
 * the api module's; both with Jackson, over trees that remember lines ({@link LocatedYaml}).
 */
final class ManifestParser {
  static final String DEFAULT_NAMESPACE = "default";

  /** Unknown fields in Corral specs are errors, not silently dropped. fabric8 classes keep them aside. */
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
      .build();

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

  /** The outcome for one file: objects when {@code problems} is empty. */
  record Result(List<Decoded> objects, List<SourceProblem> problems) {}

  private final String source;
  private final List<Decoded> objects = new ArrayList<>();
  private final List<SourceProblem> problems = new ArrayList<>();

  private ManifestParser(String source) {
    this.source = source;
  }

  /** Parses {@code text}, read from {@code source} (used in problems only). */
  static Result parse(String source, String text) {
    ManifestParser p = new ManifestParser(source);
    p.parse(text);
    return new Result(List.copyOf(p.objects), List.copyOf(p.problems));
  }

  private void parse(String text) {
    List<LocatedYaml.Document> docs;
    try {
      docs = LocatedYaml.read(text);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() != null ? Math.max(0, e.getLocation().getLineNr()) : 0;
      problems.add(new SourceProblem(source, "", line, "", "not valid YAML: " + BindingErrors.firstLine(e.getOriginalMessage())));
      return;
    } catch (IOException | RuntimeException e) {
      problems.add(new SourceProblem(source, "", 0, "", "not valid YAML: " + e.getMessage()));
      return;
    }
    for (LocatedYaml.Document doc : docs) {
      new DocumentParser(doc).parse();
    }
  }

  /** The checks and conversion of one document. */
  private final class DocumentParser {
    private final LocatedYaml.Document doc;
    private String object = "";
    private int problemCount;

    DocumentParser(LocatedYaml.Document doc) {
      this.doc = doc;
    }

    void problem(String field, String message) {
      problems.add(new SourceProblem(source, object, field.isEmpty() ? doc.line() : doc.lineOf(field), field, message));
      problemCount++;
    }

    void parse() {
      JsonNode root = doc.root();
      if (!root.isObject()) {
        problem("", "a manifest must be a mapping with apiVersion and kind (found " + root.getNodeType()
            .toString().toLowerCase(Locale.ROOT) + ")");
        return;
      }
      String apiVersion = root.path("apiVersion").asText("");
      String kind = root.path("kind").asText("");
      String name = root.path("metadata").path("name").asText("");
      String namespace = root.path("metadata").path("namespace").asText("");
      if (namespace.isEmpty()) {
        namespace = DEFAULT_NAMESPACE;
      }
      object = (kind.isEmpty() ? "?" : kind) + " " + namespace + "/" + (name.isEmpty() ? "?" : name);
      if (apiVersion.isEmpty()) {
        problem("apiVersion", "required");
      }
      if (kind.isEmpty()) {
        problem("kind", "required");
      }
      if (problemCount > 0) {
        return;
      }
      if (apiVersion.equals("v1") && kind.equals("Service")) {
        service(root);
      } else if (apiVersion.equals("discovery.k8s.io/v1") && kind.equals("EndpointSlice")) {
        endpointSlice(root);
      } else if (apiVersion.startsWith(WellKnown.GROUP + "/")) {
        var policyKind = PolicyKind.of(kind);
        if (!apiVersion.equals(WellKnown.API_VERSION)) {
          problem("apiVersion", "\"" + apiVersion + "\" (expected: " + WellKnown.API_VERSION + ")");
        } else if (policyKind.isEmpty()) {
          problem("kind", "\"" + kind + "\" is not a Corral kind (expected one of BalancePolicy, CachePolicy, CollapsePolicy)");
        } else {
          policy(root, policyKind.get());
        }
      } else if (kind.equals("Service") || kind.equals("EndpointSlice")) {
        problem("apiVersion", "\"" + apiVersion + "\" (expected: " + (kind.equals("Service") ? "v1" : "discovery.k8s.io/v1") + ")");
      }
      // Any other kind (Deployment, ConfigMap, ...) may share the folder with kubectl; local mode has no use for it.
    }

    private <T> T bind(JsonNode root, Class<T> type) {
      try {
        return MAPPER.treeToValue(root, type);
      } catch (JsonProcessingException e) {
        String field = e instanceof JsonMappingException m ? BindingErrors.path(m.getPath()) : "";
        problem(field, BindingErrors.message(e));
        return null;
      } catch (IllegalArgumentException e) {
        problem("", e.getMessage());
        return null;
      }
    }

    private boolean metadata(HasMetadata resource) {
      ObjectMeta meta = resource.getMetadata();
      if (meta == null || meta.getName() == null || meta.getName().isEmpty()) {
        problem("metadata.name", "required");
        return false;
      }
      if (!DNS_SUBDOMAIN.matcher(meta.getName()).matches()) {
        problem("metadata.name", "\"" + meta.getName() + "\" is not a valid name (lower-case letters, digits, '-' and '.')");
      }
      if (meta.getNamespace() != null && !DNS_LABEL.matcher(meta.getNamespace()).matches()) {
        problem("metadata.namespace", "\"" + meta.getNamespace() + "\" is not a valid namespace name");
      }
      unknownFields("metadata", meta.getAdditionalProperties());
      return problemCount == 0;
    }

    private String namespaceOf(HasMetadata r) {
      String ns = r.getMetadata().getNamespace();
      return ns == null || ns.isEmpty() ? DEFAULT_NAMESPACE : ns;
    }

    private void unknownFields(String path, Map<String, Object> additional) {
      if (additional != null) {
        for (String field : additional.keySet()) {
          problem(path.isEmpty() ? field : path + "." + field, "unknown field");
        }
      }
    }

    private void service(JsonNode root) {
      io.fabric8.kubernetes.api.model.Service svc = bind(root, io.fabric8.kubernetes.api.model.Service.class);
      if (svc == null || !metadata(svc)) {
        return;
      }
      Service service = KubernetesObjects.service(svc, namespaceOf(svc), UnknownFields.REFUSE, this::problem);
      if (service != null && problemCount == 0) {
        objects.add(new DecodedService(new ObjectId("Service", service.key().namespace(), service.key().name()),
            doc.line(), service));
      }
    }

    private void endpointSlice(JsonNode root) {
      EndpointSlice slice = bind(root, EndpointSlice.class);
      if (slice == null || !metadata(slice)) {
        return;
      }
      String namespace = namespaceOf(slice);
      KubernetesObjects.Slice converted =
          KubernetesObjects.endpointSlice(slice, namespace, UnknownFields.REFUSE, this::problem);
      if (converted != null && problemCount == 0) {
        objects.add(new DecodedSlice(new ObjectId("EndpointSlice", namespace, slice.getMetadata().getName()), doc.line(),
            converted.service(), converted.endpoints()));
      }
    }

    private void policy(JsonNode root, PolicyKind<?> kind) {
      CustomResource<?, ?> resource = bind(root, kind.resourceType());
      if (resource == null || !metadata(resource)) {
        return;
      }
      Object spec = resource.getSpec();
      if (spec == null) {
        problem("spec", "required");
        return;
      }
      for (Violation v : validate(kind, spec)) {
        problem(v.field(), v.message());
      }
      ObjectMeta meta = resource.getMetadata();
      Instant created = null;
      if (meta.getCreationTimestamp() != null) {
        try {
          created = Instant.parse(meta.getCreationTimestamp());
        } catch (DateTimeParseException e) {
          problem("metadata.creationTimestamp", "\"" + meta.getCreationTimestamp() + "\" (expected: RFC 3339, e.g. 2025-01-31T12:00:00Z)");
        }
      }
      if (meta.getGeneration() != null && meta.getGeneration() < 1) {
        problem("metadata.generation", meta.getGeneration() + " (expected: >= 1)");
      }
      if (problemCount == 0) {
        String namespace = namespaceOf(resource);
        String target = targetName(kind, spec);
        objects.add(new DecodedPolicy(new ObjectId(kind.kind(), namespace, meta.getName()), doc.line(), kind,
            meta.getGeneration(), created, new ServiceKey(namespace, target), spec));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <S> List<Violation> validate(PolicyKind<S> kind, Object spec) {
    return PolicyValidator.validate(kind, kind.cast(spec));
  }

  private static <S> String targetName(PolicyKind<S> kind, Object spec) {
    return kind.targetRef(kind.cast(spec)).getName();
  }
}
