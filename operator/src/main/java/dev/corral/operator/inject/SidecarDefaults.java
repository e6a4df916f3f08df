package dev.corral.operator.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.corral.api.WellKnown;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the chart's {@code sidecar.yaml} (the {@code <release>-sidecar} ConfigMap, given as
 * {@code --sidecar-config}) into an {@link InjectionConfig}. Every key is optional and falls back
 * to {@link InjectionConfig#defaults}; an unknown key is an error naming it (a typo must not be
 * silently ignored). {@code proxyUid} and {@code ports} are the contract of ARCHITECTURE.md: they
 * are listed for readers and checked, never changed.
 */
public final class SidecarDefaults {
  private static final Logger log = LoggerFactory.getLogger(SidecarDefaults.class);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Set<String> KEYS = Set.of("image", "initImage", "imagePullPolicy", "adsAddress", "proxyUid", "ports",
      "jvmFlags", "concurrency", "drainTimeSeconds", "resources", "initResources", "excludeInboundPorts",
      "excludeOutboundPorts", "excludeOutboundCIDRs");
  private static final Map<String, Integer> PORTS = Map.of("outbound", WellKnown.SIDECAR_OUTBOUND_PORT,
      "inbound", WellKnown.SIDECAR_INBOUND_PORT, "admin", WellKnown.SIDECAR_ADMIN_PORT,
      "health", WellKnown.SIDECAR_HEALTH_PORT);

  private SidecarDefaults() {}

  /**
   * The file's settings over {@code defaults}; a missing file gives {@code defaults} (logged).
   *
   * @throws IllegalArgumentException when the file does not parse or a key is unknown or invalid;
   *     the message names the file and the key
   */
  public static InjectionConfig load(Path file, InjectionConfig defaults) throws IOException {
    if (!Files.exists(file)) {
      log.info("sidecar config {} does not exist: injecting the built-in sidecar defaults", file);
      return defaults;
    }
    try {
      return parse(Files.readString(file), defaults);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** {@code yaml}'s settings over {@code defaults}. */
  public static InjectionConfig parse(String yaml, InjectionConfig defaults) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not YAML: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return defaults;
    }
    if (!(root instanceof ObjectNode map)) {
      throw new IllegalArgumentException("expected a map of settings, got " + root.getNodeType());
    }
    for (Iterator<String> it = map.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown key " + key + " (known: " + new java.util.TreeSet<>(KEYS) + ")");
      }
    }
    checkContract(map);
    String image = text(map, "image", defaults.sidecarImage());
    return new InjectionConfig(
        version(image, defaults.version()),
        image,
        text(map, "initImage", defaults.initImage()),
        resources(map, "resources", defaults.resources()),
        map.has("jvmFlags") ? splitFlags(text(map, "jvmFlags", "")) : defaults.jvmFlags(),
        text(map, "adsAddress", defaults.controlPlaneAddress()),
        list(map, "excludeInboundPorts", defaults.excludeInboundPorts(), n -> integer("excludeInboundPorts", n)),
        list(map, "excludeOutboundPorts", defaults.excludeOutboundPorts(), n -> integer("excludeOutboundPorts", n)),
        list(map, "excludeOutboundCIDRs", defaults.excludeOutboundCidrs(), n -> string("excludeOutboundCIDRs", n)),
        text(map, "imagePullPolicy", defaults.imagePullPolicy()),
        resources(map, "initResources", defaults.initResources()),
        map.has("concurrency") ? integer("concurrency", map.get("concurrency")) : defaults.concurrency(),
        map.has("drainTimeSeconds") ? integer("drainTimeSeconds", map.get("drainTimeSeconds"))
            : defaults.drainTimeSeconds());
  }

  /** The injected-by annotation carries the sidecar image's tag, i.e. the chart's appVersion or image.tag. */
  private static String version(String image, String fallback) {
    int colon = image.lastIndexOf(':');
    return colon > image.lastIndexOf('/') ? image.substring(colon + 1) : fallback;
  }

  private static void checkContract(ObjectNode map) {
    if (map.has("proxyUid") && integer("proxyUid", map.get("proxyUid")) != WellKnown.SIDECAR_UID) {
      throw new IllegalArgumentException("proxyUid: " + map.get("proxyUid") + " (expected: " + WellKnown.SIDECAR_UID
          + ", fixed by the sidecar image)");
    }
    JsonNode ports = map.get("ports");
    if (ports == null || ports.isNull()) {
      return;
    }
    if (!ports.isObject()) {
      throw new IllegalArgumentException("ports: expected a map of outbound, inbound, admin, health");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = ports.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Integer fixed = PORTS.get(e.getKey());
      if (fixed == null) {
        throw new IllegalArgumentException("unknown key ports." + e.getKey() + " (known: " + PORTS.keySet() + ")");
      }
      if (integer("ports." + e.getKey(), e.getValue()) != fixed) {
        throw new IllegalArgumentException("ports." + e.getKey() + ": " + e.getValue() + " (expected: " + fixed
            + ", fixed by ARCHITECTURE.md)");
      }
    }
  }

  private static String text(ObjectNode map, String key, String fallback) {
    JsonNode n = map.get(key);
    return n == null || n.isNull() ? fallback : string(key, n);
  }

  private static String string(String key, JsonNode n) {
    if (!n.isValueNode()) {
      throw new IllegalArgumentException(key + ": expected a string, got " + n.getNodeType());
    }
    return n.asText();
  }

  private static int integer(String key, JsonNode n) {
    if (n.canConvertToInt() && n.isIntegralNumber()) {
      return n.intValue();
    }
    if (n.isTextual()) {
      try {
        return Integer.parseInt(n.asText().trim());
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new IllegalArgumentException(key + ": " + n + " (expected: an integer)");
  }

  private static <T> List<T> list(ObjectNode map, String key, List<T> fallback, Function<JsonNode, T> element) {
    JsonNode n = map.get(key);
    if (n == null || n.isNull()) {
      return fallback;
    }
    if (!n.isArray()) {
      throw new IllegalArgumentException(key + ": expected a list, got " + n.getNodeType());
    }
    List<T> values = new ArrayList<>();
    n.forEach(e -> values.add(element.apply(e)));
    return values;
  }

  private static ResourceRequirements resources(ObjectNode map, String key, ResourceRequirements fallback) {
    JsonNode n = map.get(key);
    if (n == null || n.isNull()) {
      return fallback;
    }
    if (!n.isObject()) {
      throw new IllegalArgumentException(key + ": expected a map with requests and limits, got " + n.getNodeType());
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!field.equals("requests") && !field.equals("limits")) {
        throw new IllegalArgumentException("unknown key " + key + "." + field + " (known: requests, limits)");
      }
    }
    try {
      return YAML.treeToValue(n, ResourceRequirements.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  private static List<String> splitFlags(String flags) {
    return flags.isBlank() ? List.of() : List.of(flags.trim().split("\\s+"));
  }
}
