package dev.corral.controlplane.translate;

import com.github.xds.type.v3.TypedStruct;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import dev.corral.controlplane.xds.XdsResources;
import java.util.List;

/** Proto JSON of generated resources, with every type the translator packs in an {@code Any}. */
public final class XdsJson {
  public static final JsonFormat.TypeRegistry TYPES = JsonFormat.TypeRegistry.newBuilder()
      .add(HttpConnectionManager.getDescriptor())
      .add(Router.getDescriptor())
      .add(HttpProtocolOptions.getDescriptor())
      .add(LeastRequest.getDescriptor())
      .add(TypedStruct.getDescriptor())
      .add(PreviousHostsPredicate.getDescriptor())
      .add(io.envoyproxy.envoy.extensions.filters.http.cache.v3.CacheConfig.getDescriptor())
      .add(io.envoyproxy.envoy.config.route.v3.FilterConfig.getDescriptor())
      .add(dev.corral.api.proto.CacheStore.getDescriptor())
      .add(dev.corral.api.proto.CollapseConfig.getDescriptor())
      .add(io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst.getDescriptor())
      .add(io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector.getDescriptor())
      .add(io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.getDescriptor())
      .build();

  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().usingTypeRegistry(TYPES);

  private XdsJson() {}

  public static String print(Message m) {
    try {
      return PRINTER.print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + m.getDescriptorForType().getFullName()
          + ": " + e.getMessage(), e);
    }
  }

  /** {@code {"clusters": [...], "endpoints": [...], "listeners": [...], "routes": [...]}}. */
  public static String print(XdsResources r) {
    StringBuilder sb = new StringBuilder("{\n");
    section(sb, "clusters", r.clusters(), false);
    section(sb, "endpoints", r.endpoints(), false);
    section(sb, "listeners", r.listeners(), false);
    section(sb, "routes", r.routes(), true);
    return sb.append("}\n").toString();
  }

  private static void section(StringBuilder sb, String name, List<? extends Message> items, boolean last) {
    sb.append("\"").append(name).append("\": [");
    for (int i = 0; i < items.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(print(items.get(i)));
    }
    sb.append(last ? "]\n" : "],\n");
  }
}
