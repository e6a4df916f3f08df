package dev.corral.sidecar.bootstrap;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.JsonFormat.TypeRegistry;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.load_balancing_policies.client_side_weighted_round_robin.v3.ClientSideWeightedRoundRobin;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.maglev.v3.Maglev;
import io.envoyproxy.envoy.extensions.load_balancing_policies.random.v3.Random;
import io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.envoyproxy.envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Reads the sidecar's Envoy v3 {@code Bootstrap} (YAML or JSON) and refuses, with the field's
 * path, anything the sidecar does not implement. See docs/bootstrap.md for the supported subset.
 *
 * <p>Three passes: the JSON tree against the descriptors (unknown fields and types, bad enum
 * names, mistyped scalars), {@code JsonFormat} into the proto, then every set field against the
 * allowlist in {@link SupportedFields} and the cross-field checks of {@link SemanticChecks}.
 */
public final class BootstrapLoader {
  /**
   * The message types an {@code Any} may hold: those with an allowlist, plus the load balancing
   * policies that {@code load_balancing_policy} carries (validated by the cluster component).
   */
  static final TypeRegistry TYPES = known(TypeRegistry.newBuilder()).build();

  private static TypeRegistry.Builder known(TypeRegistry.Builder builder) {
    return builder
          .add(HttpConnectionManager.getDescriptor())
          .add(Router.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.filters.http.cache.v3.CacheConfig.getDescriptor())
          .add(io.envoyproxy.envoy.config.route.v3.FilterConfig.getDescriptor())
          .add(dev.corral.api.proto.CacheStore.getDescriptor())
          .add(dev.corral.api.proto.CollapseConfig.getDescriptor())
          .add(HttpProtocolOptions.getDescriptor())
          .add(RoundRobin.getDescriptor())
          .add(LeastRequest.getDescriptor())
          .add(Random.getDescriptor())
          .add(RingHash.getDescriptor())
          .add(Maglev.getDescriptor())
          .add(ClientSideWeightedRoundRobin.getDescriptor())
          .add(WrrLocality.getDescriptor())
          .add(com.github.xds.type.v3.TypedStruct.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate.getDescriptor())
          .add(io.envoyproxy.envoy.admin.v3.BootstrapConfigDump.getDescriptor());
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private BootstrapLoader() {}

  /** The Any types the sidecar understands, for printing config (/config_dump). */
  public static TypeRegistry typeRegistry() {
    return TYPES;
  }

  /** The Any types the sidecar understands plus {@code extra}, for printing (/config_dump with xDS). */
  public static TypeRegistry typeRegistry(Descriptor... extra) {
    return known(TypeRegistry.newBuilder()).add(java.util.Arrays.asList(extra)).build();
  }

  /** Loads and validates the bootstrap at {@code file}. */
  public static Bootstrap load(Path file) {
    requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("", "cannot read " + file + ": " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  /**
   * Parses and validates a bootstrap. YAML is a superset of JSON, so both are read as YAML.
   * {@code fileName} appears in syntax errors; validation errors name the field's path.
   */
  public static Bootstrap parse(String text, String fileName) {
    requireNonNull(text, "text");
    requireNonNull(fileName, "fileName");
    JsonNode tree = readTree(text, fileName);
    new JsonShapeCheck(TYPES).check(tree, Bootstrap.getDescriptor(), "");
    Bootstrap.Builder builder = Bootstrap.newBuilder();
    try {
      JsonFormat.parser().usingTypeRegistry(TYPES).merge(tree.toString(), builder);
    } catch (InvalidProtocolBufferException e) {
      // Reaching here means the shape check missed a case; still refuse, with what we know.
      throw new ConfigException("", fileName + ": " + e.getMessage());
    }
    Bootstrap bootstrap = builder.build();
    new AllowlistWalk(TYPES).walk(
        bootstrap, SupportedFields.forType(SupportedFields.BOOTSTRAP), "", "");
    SemanticChecks.check(bootstrap);
    return bootstrap;
  }

  private static JsonNode readTree(String text, String fileName) {
    JsonNode tree;
    try {
      tree = YAML.readTree(text);
    } catch (JacksonException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? fileName
          : fileName + ":" + at.getLineNr() + ":" + at.getColumnNr();
      throw new ConfigException("", where + ": " + e.getOriginalMessage());
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      throw new ConfigException("", fileName + ": empty bootstrap");
    }
    if (!tree.isObject()) {
      throw new ConfigException("", fileName + ": expected an object at the top level");
    }
    return tree;
  }

  /** The descriptor for an Any's type URL, or null when it is not one we know. */
  static @Nullable Descriptor typeOf(TypeRegistry registry, String typeUrl) {
    int slash = typeUrl.lastIndexOf('/');
    if (slash < 0) {
      return null;
    }
    try {
      return registry.find(typeUrl.substring(slash + 1));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
