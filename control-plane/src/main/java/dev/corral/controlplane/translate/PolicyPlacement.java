package dev.corral.controlplane.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import dev.corral.api.proto.CacheStore;
import dev.corral.api.proto.CollapseConfig;
import dev.corral.api.v1alpha1.CachePolicySpec;
import dev.corral.api.v1alpha1.CollapsePolicySpec;
import dev.corral.api.v1alpha1.Placement;
import dev.corral.api.v1alpha1.Quantities;
import dev.corral.controlplane.model.Endpoint;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.model.Policy;
import dev.corral.controlplane.model.PolicyAttachment;
import dev.corral.controlplane.model.PolicyKind;
import dev.corral.controlplane.model.Service;
import dev.corral.controlplane.model.ServiceKey;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.extensions.filters.http.cache.v3.CacheConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CachePolicy / CollapsePolicy → the cache and collapse filters.
 *
 * <ul>
 *   <li><b>Client</b> (also when {@code placement} is absent): when any Service has such a policy,
 *       every outbound listener gets the filter (with an empty config: the defaults), and every
 *       outbound route says what applies to its Service: the policy's config, or
 *       {@code FilterConfig{disabled: true}} for a Service without one. So the listener's own config
 *       never applies; a route always decides.
 *   <li><b>Server</b>: the inbound listener of a pod of the target Service (a pod whose name is an
 *       endpoint's {@code targetRef} in the node's namespace) gets the filter, and its one route the
 *       policy's config. A pod behind several Services takes the first (sorted) with such a policy.
 * </ul>
 *
 * A spec the translator cannot read (a source that let an invalid one through) is dropped with a
 * warning, like an unreadable BalancePolicy, rather than failing the whole mesh.
 */
final class PolicyPlacement implements PlacementFilters {
  static final PolicyPlacement INSTANCE = new PolicyPlacement();
  static final String CACHE_FILTER = "envoy.filters.http.cache";
  static final String COLLAPSE_FILTER = "corral.filters.http.collapse";
  private static final Logger log = LoggerFactory.getLogger(PolicyPlacement.class);
  private static final Any DISABLED = Any.pack(FilterConfig.newBuilder().setDisabled(true).build());

  private PolicyPlacement() {}

  @Override
  public List<HttpFilter> client(MeshModel model, NodeContext node) {
    List<HttpFilter> filters = new ArrayList<>();
    if (anyClient(model, PolicyKind.CACHE, CachePolicySpec::getPlacement)) {
      filters.add(filter(CACHE_FILTER, cacheConfig(CacheStore.getDefaultInstance())));
    }
    if (anyClient(model, PolicyKind.COLLAPSE, CollapsePolicySpec::getPlacement)) {
      filters.add(filter(COLLAPSE_FILTER, Any.pack(CollapseConfig.getDefaultInstance())));
    }
    return filters;
  }

  @Override
  public Map<String, Any> clientRoute(MeshModel model, ServiceKey service) {
    Map<String, Any> perFilter = new LinkedHashMap<>();
    if (anyClient(model, PolicyKind.CACHE, CachePolicySpec::getPlacement)) {
      perFilter.put(CACHE_FILTER, placed(model, PolicyKind.CACHE, service, Placement.CLIENT,
          CachePolicySpec::getPlacement, s -> cacheConfig(cacheStore(s))).orElse(DISABLED));
    }
    if (anyClient(model, PolicyKind.COLLAPSE, CollapsePolicySpec::getPlacement)) {
      perFilter.put(COLLAPSE_FILTER, placed(model, PolicyKind.COLLAPSE, service, Placement.CLIENT,
          CollapsePolicySpec::getPlacement, s -> Any.pack(collapseConfig(s))).orElse(DISABLED));
    }
    return perFilter;
  }

  @Override
  public List<HttpFilter> server(MeshModel model, NodeContext node) {
    List<HttpFilter> filters = new ArrayList<>();
    Map<String, Any> route = serverRoute(model, node);
    if (route.containsKey(CACHE_FILTER)) {
      filters.add(filter(CACHE_FILTER, cacheConfig(CacheStore.getDefaultInstance())));
    }
    if (route.containsKey(COLLAPSE_FILTER)) {
      filters.add(filter(COLLAPSE_FILTER, Any.pack(CollapseConfig.getDefaultInstance())));
    }
    return filters;
  }

  @Override
  public Map<String, Any> serverRoute(MeshModel model, NodeContext node) {
    Map<String, Any> perFilter = new LinkedHashMap<>();
    List<ServiceKey> own = servicesOf(model, node);
    own.stream()
        .flatMap(k -> placed(model, PolicyKind.CACHE, k, Placement.SERVER, CachePolicySpec::getPlacement,
            s -> cacheConfig(cacheStore(s))).stream())
        .findFirst().ifPresent(a -> perFilter.put(CACHE_FILTER, a));
    own.stream()
        .flatMap(k -> placed(model, PolicyKind.COLLAPSE, k, Placement.SERVER, CollapsePolicySpec::getPlacement,
            s -> Any.pack(collapseConfig(s))).stream())
        .findFirst().ifPresent(a -> perFilter.put(COLLAPSE_FILTER, a));
    return perFilter;
  }

  /** The Services (sorted) with an endpoint backed by the node's pod. */
  static List<ServiceKey> servicesOf(MeshModel model, NodeContext node) {
    List<ServiceKey> out = new ArrayList<>();
    for (Service service : model.services().values()) {
      if (!service.key().namespace().equals(node.namespace())) {
        continue;
      }
      for (Endpoint e : model.endpointsOf(service.key()).endpoints()) {
        if (node.pod().equals(e.podName())) {
          out.add(service.key());
          break;
        }
      }
    }
    return out;
  }

  /** Whether some existing Service has a {@code kind} policy in force with Client placement. */
  private static <S> boolean anyClient(MeshModel model, PolicyKind<S> kind, Function<S, @Nullable Placement> placement) {
    for (PolicyAttachment<S> a : model.attachments(kind)) {
      if (model.services().containsKey(a.service()) && placementOf(a.winner().spec(), placement) == Placement.CLIENT) {
        return true;
      }
    }
    return false;
  }

  /** The packed config of the {@code kind} policy in force for {@code service}, when placed {@code where}. */
  private static <S> Optional<Any> placed(MeshModel model, PolicyKind<S> kind, ServiceKey service,
      Placement where, Function<S, @Nullable Placement> placement, Function<S, Any> config) {
    Optional<Policy<S>> p = model.policyFor(kind, service);
    if (p.isEmpty() || placementOf(p.get().spec(), placement) != where) {
      return Optional.empty();
    }
    try {
      return Optional.of(config.apply(p.get().spec()));
    } catch (RuntimeException e) {
      log.warn("{}: cannot translate ({}); {} has no {} filter", p.get().displayName(), e.getMessage(),
          service, kind.kind());
      return Optional.empty();
    }
  }

  private static <S> Placement placementOf(S spec, Function<S, @Nullable Placement> placement) {
    Placement p = placement.apply(spec);
    return p == null ? Placement.CLIENT : p;
  }

  private static HttpFilter filter(String name, Any config) {
    return HttpFilter.newBuilder().setName(name).setTypedConfig(config).build();
  }

  /** Envoy's CacheConfig with Corral's store as its {@code typed_config}. */
  private static Any cacheConfig(CacheStore store) {
    return Any.pack(CacheConfig.newBuilder().setTypedConfig(Any.pack(store)).build());
  }

  static CacheStore cacheStore(CachePolicySpec s) {
    CacheStore.Builder b = CacheStore.newBuilder();
    if (s.getMaxSize() != null) {
      b.setMaxSize(Quantities.parseBytes(s.getMaxSize()));
    }
    if (s.getMaxObjectSize() != null) {
      b.setMaxObjectSize(Quantities.parseBytes(s.getMaxObjectSize()));
    }
    Duration ttl = Protos.duration(s.getDefaultTtl());
    if (ttl != null) {
      b.setDefaultTtl(Protos.toProto(ttl));
    }
    Duration swr = Protos.duration(s.getStaleWhileRevalidate());
    if (swr != null) {
      b.setStaleWhileRevalidate(Protos.toProto(swr));
    }
    Duration sie = Protos.duration(s.getStaleIfError());
    if (sie != null) {
      b.setStaleIfError(Protos.toProto(sie));
    }
    if (s.getKeyHeaders() != null) {
      b.addAllKeyHeaders(s.getKeyHeaders());
    }
    b.setShareAcrossCredentials(Boolean.TRUE.equals(s.getShareAcrossCredentials()));
    if (s.getInvalidateOnUnsafeMethods() != null) {
      b.setInvalidateOnUnsafeMethods(BoolValue.of(s.getInvalidateOnUnsafeMethods()));
    }
    return b.build();
  }

  static CollapseConfig collapseConfig(CollapsePolicySpec s) {
    CollapseConfig.Builder b = CollapseConfig.newBuilder();
    if (s.getMethods() != null) {
      b.addAllMethods(s.getMethods());
    }
    if (s.getKeyHeaders() != null) {
      b.addAllKeyHeaders(s.getKeyHeaders());
    }
    b.setShareAcrossCredentials(Boolean.TRUE.equals(s.getShareAcrossCredentials()));
    Duration maxWait = Protos.duration(s.getMaxWait());
    if (maxWait != null) {
      b.setMaxWait(Protos.toProto(maxWait));
    }
    if (s.getMaxBufferedBytes() != null) {
      b.setMaxBufferedBytes(Quantities.parseBytes(s.getMaxBufferedBytes()));
    }
    CollapsePolicySpec.Ranges r = s.getRanges();
    if (r != null) {
      CollapseConfig.Ranges.Builder rb = CollapseConfig.Ranges.newBuilder()
          .setEnabled(Boolean.TRUE.equals(r.getEnabled()));
      if (r.getBlockSize() != null) {
        rb.setBlockSize(Quantities.parseBytes(r.getBlockSize()));
      }
      if (r.getMaxBlocksPerFetch() != null) {
        rb.setMaxBlocksPerFetch(r.getMaxBlocksPerFetch());
      }
      b.setRanges(rb);
    }
    return b.build();
  }
}
