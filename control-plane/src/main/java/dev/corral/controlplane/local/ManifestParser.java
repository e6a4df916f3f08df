package dev.corral.controlplane.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.common.net.InetAddresses;
import dev.corral.api.WellKnown;
import dev.corral.controlplane.local.Decoded.DecodedPolicy;
import dev.corral.controlplane.local.Decoded.DecodedService;
import dev.corral.controlplane.local.Decoded.DecodedSlice;
import dev.corral.controlplane.local.Decoded.ObjectId;
import dev.corral.controlplane.model.Endpoint;
import dev.corral.controlplane.model.PolicyKind;
import dev.corral.controlplane.model.PolicyValidator;
import dev.corral.controlplane.model.Service;
import dev.corral.controlplane.model.ServiceKey;
import dev.corral.controlplane.model.ServicePort;
import dev.corral.controlplane.model.SourceProblem;
import dev.corral.controlplane.model.Violation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns one manifest file into {@link Decoded} objects, or into problems that name the file, the
 * line, the object and the field. Kubernetes kinds bind to fabric8's model classes, Corral kinds to
 * the api module's; both with Jackson, over trees that remember lines ({@link LocatedYaml}).
 */
final class ManifestParser {
  static final String DEFAULT_NAMESPACE = "default";
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

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
      problems.add(new SourceProblem(source, "", line, "", "not valid YAML: " + firstLine(e.getOriginalMessage())));
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
        String field = e instanceof JsonMappingException m ? path(m.getPath()) : "";
        problem(field, bindingMessage(e));
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
      unknownFields("", svc.getAdditionalProperties());
      ServiceKey key = new ServiceKey(namespaceOf(svc), svc.getMetadata().getName());
      List<ServicePort> ports = new ArrayList<>();
      var spec = svc.getSpec();
      if (spec == null || spec.getPorts() == null || spec.getPorts().isEmpty()) {
        problem("spec.ports", "required: a Service needs at least one port");
        return;
      }
      unknownFields("spec", spec.getAdditionalProperties());
      Set<String> names = new HashSet<>();
      for (int i = 0; i < spec.getPorts().size(); i++) {
        var port = spec.getPorts().get(i);
        String at = "spec.ports[" + i + "]";
        unknownFields(at, port.getAdditionalProperties());
        String name = port.getName() == null ? "" : port.getName();
        if (name.isEmpty() && spec.getPorts().size() > 1) {
          problem(at + ".name", "required when a Service has more than one port");
        } else if (!names.add(name)) {
          problem(at + ".name", "\"" + name + "\" is used by another port");
        }
        if (port.getPort() == null) {
          problem(at + ".port", "required");
          continue;
        }
        if (port.getPort() < 1 || port.getPort() > 65535) {
          problem(at + ".port", port.getPort() + " (expected: 1-65535)");
          continue;
        }
        ServicePort.TargetPort target = targetPort(at + ".targetPort", port.getTargetPort(), port.getPort());
        if (target == null) {
          continue;
        }
        String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
        if (!Set.of("TCP", "UDP", "SCTP").contains(protocol)) {
          problem(at + ".protocol", "\"" + protocol + "\" (expected one of TCP, UDP, SCTP)");
          continue;
        }
        ports.add(new ServicePort(name, port.getPort(), target, protocol, port.getAppProtocol()));
      }
      if (problemCount == 0) {
        objects.add(new DecodedService(new ObjectId("Service", key.namespace(), key.name()), doc.line(),
            new Service(key, ports)));
      }
    }

    private ServicePort.TargetPort targetPort(String at, IntOrString value, int port) {
      if (value == null) {
        return ServicePort.TargetPort.number(port);
      }
      if (value.getIntVal() != null) {
        int n = value.getIntVal();
        if (n < 1 || n > 65535) {
          problem(at, n + " (expected: 1-65535 or a port name)");
          return null;
        }
        return ServicePort.TargetPort.number(n);
      }
      String s = value.getStrVal();
      if (s == null || s.isEmpty()) {
        problem(at, "\"\" (expected: a port number or name)");
        return null;
      }
      return ServicePort.TargetPort.named(s);
    }

    private void endpointSlice(JsonNode root) {
      EndpointSlice slice = bind(root, EndpointSlice.class);
      if (slice == null || !metadata(slice)) {
        return;
      }
      unknownFields("", slice.getAdditionalProperties());
      String namespace = namespaceOf(slice);
      Map<String, String> labels = slice.getMetadata().getLabels();
      String serviceName = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
      if (serviceName == null || serviceName.isEmpty()) {
        problem("metadata.labels", "required: label " + SERVICE_NAME_LABEL + " names the Service this slice belongs to");
        return;
      }
      String addressType = slice.getAddressType();
      if (addressType == null) {
        problem("addressType", "required (expected: IPv4 or IPv6)");
      } else if (!addressType.equals("IPv4") && !addressType.equals("IPv6")) {
        problem("addressType", "\"" + addressType + "\" (expected: IPv4 or IPv6; local mode has no DNS)");
      }
      Map<String, Integer> ports = new LinkedHashMap<>();
      List<EndpointPort> slicePorts = slice.getPorts() == null ? List.of() : slice.getPorts();
      for (int i = 0; i < slicePorts.size(); i++) {
        EndpointPort port = slicePorts.get(i);
        String at = "ports[" + i + "]";
        unknownFields(at, port.getAdditionalProperties());
        String name = port.getName() == null ? "" : port.getName();
        if (port.getPort() == null || port.getPort() < 1 || port.getPort() > 65535) {
          problem(at + ".port", port.getPort() + " (expected: 1-65535)");
        } else if (ports.put(name, port.getPort()) != null) {
          problem(at + ".name", "\"" + name + "\" is used by another port");
        }
      }
      List<Endpoint> endpoints = new ArrayList<>();
      var sliceEndpoints = slice.getEndpoints() == null ? List.<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint>of()
          : slice.getEndpoints();
      for (int i = 0; i < sliceEndpoints.size(); i++) {
        var e = sliceEndpoints.get(i);
        String at = "endpoints[" + i + "]";
        unknownFields(at, e.getAdditionalProperties());
        if (e.getAddresses() == null || e.getAddresses().isEmpty()) {
          problem(at + ".addresses", "required: at least one address");
          continue;
        }
        EndpointConditions c = e.getConditions();
        boolean ready = c == null || c.getReady() == null || c.getReady();
        boolean serving = c == null || c.getServing() == null ? ready : c.getServing();
        boolean terminating = c != null && Boolean.TRUE.equals(c.getTerminating());
        String pod = e.getTargetRef() != null && "Pod".equals(e.getTargetRef().getKind()) ? e.getTargetRef().getName() : null;
        for (int j = 0; j < e.getAddresses().size(); j++) {
          String address = e.getAddresses().get(j);
          if (address == null || !InetAddresses.isInetAddress(address)) {
            problem(at + ".addresses[" + j + "]", "\"" + address + "\" is not an IP address");
            continue;
          }
          boolean v6 = address.contains(":");
          if (addressType != null && (v6 ? addressType.equals("IPv4") : addressType.equals("IPv6"))) {
            problem(at + ".addresses[" + j + "]", "\"" + address + "\" does not match addressType " + addressType);
            continue;
          }
          endpoints.add(new Endpoint(address, ports, e.getZone(), ready, serving, terminating, pod));
        }
      }
      if (problemCount == 0) {
        objects.add(new DecodedSlice(new ObjectId("EndpointSlice", namespace, slice.getMetadata().getName()), doc.line(),
            new ServiceKey(namespace, serviceName), endpoints));
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
        String target = ((dev.corral.api.v1alpha1.TargetRef) targetRef(spec)).getName();
        objects.add(new DecodedPolicy(new ObjectId(kind.kind(), namespace, meta.getName()), doc.line(), kind,
            meta.getGeneration(), created, new ServiceKey(namespace, target), spec));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <S> List<Violation> validate(PolicyKind<S> kind, Object spec) {
    return PolicyValidator.validate(kind, kind.cast(spec));
  }

  private static Object targetRef(Object spec) {
    if (spec instanceof dev.corral.api.v1alpha1.BalancePolicySpec b) {
      return b.getTargetRef();
    } else if (spec instanceof dev.corral.api.v1alpha1.CachePolicySpec c) {
      return c.getTargetRef();
    }
    return ((dev.corral.api.v1alpha1.CollapsePolicySpec) spec).getTargetRef();
  }

  /** {@code spec.retries.retryOn[2]} from Jackson's reference path. */
  static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  /** Jackson's message without Java class names: what a YAML author needs. */
  static String bindingMessage(JsonProcessingException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      Collection<Object> known = u.getKnownPropertyIds();
      return "unknown field" + (known == null || known.isEmpty() ? ""
          : " (known: " + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")");
    }
    if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
      return "\"" + f.getValue() + "\" is not one of " + Arrays.stream(f.getTargetType().getEnumConstants())
          .map(String::valueOf).collect(Collectors.joining(", "));
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      return "expected " + describe(m.getTargetType());
    }
    return firstLine(e.getOriginalMessage());
  }

  private static String describe(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    } else if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    } else if (type == String.class) {
      return "a string";
    } else if (Collection.class.isAssignableFrom(type)) {
      return "a list";
    } else if (Map.class.isAssignableFrom(type)) {
      return "a mapping";
    } else if (type.isEnum()) {
      return "one of " + Arrays.stream(type.getEnumConstants()).map(String::valueOf).collect(Collectors.joining(", "));
    } else if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    return "a mapping";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
