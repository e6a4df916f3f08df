package dev.corral.sidecar.listener;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Durations;
import dev.corral.sidecar.bootstrap.ConfigException;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A listener's listener filters and filter chains, compiled: which chain serves a connection,
 * chosen like Envoy's filter chain match by the destination port (the original destination's,
 * with {@value #ORIGINAL_DST}) and then by the protocol {@value #HTTP_INSPECTOR} detected. A chain
 * is either the listener's one HTTP connection manager or a {@code tcp_proxy} to a cluster.
 *
 * @param originalDst whether to read the original destination (SO_ORIGINAL_DST) of each connection
 * @param httpInspector whether to sniff the first bytes for HTTP/1.x or the HTTP/2 preface
 * @param inspectTimeout how long to wait for those bytes (Envoy's {@code listener_filters_timeout})
 * @param continueOnTimeout after the timeout, pick a chain as for a non-HTTP connection (else close)
 */
public record FilterChains(boolean originalDst, boolean httpInspector, Duration inspectTimeout,
    boolean continueOnTimeout, List<Chain> chains, @Nullable Chain defaultChain) {

  public static final String ORIGINAL_DST = "envoy.filters.listener.original_dst";
  public static final String HTTP_INSPECTOR = "envoy.filters.listener.http_inspector";
  public static final String TCP_PROXY = "envoy.filters.network.tcp_proxy";
  public static final String HCM = "envoy.filters.network.http_connection_manager";
  /** What the HTTP inspector reports, as Envoy's {@code application_protocols}. */
  public static final Set<String> HTTP_PROTOCOLS = Set.of("http/1.0", "http/1.1", "h2c");
  /** Envoy's default {@code listener_filters_timeout}. */
  static final Duration DEFAULT_INSPECT_TIMEOUT = Duration.ofSeconds(15);

  /** Where a chain sends its connections: the HTTP connection manager or a TCP proxy. */
  public sealed interface Action permits Http, Tcp {}

  /** The listener's HTTP connection manager. */
  public record Http() implements Action {}

  /** Raw bytes both ways to a host of {@code cluster} (for ORIGINAL_DST: the original destination). */
  public record Tcp(String cluster, String statPrefix) implements Action {}

  /** One filter chain: its match (empty: any) and action. */
  public record Chain(String name, OptionalInt destinationPort, Set<String> applicationProtocols, Action action) {
    public Chain {
      requireNonNull(name, "name");
      requireNonNull(destinationPort, "destinationPort");
      applicationProtocols = Set.copyOf(applicationProtocols);
      requireNonNull(action, "action");
    }
  }

  public FilterChains {
    requireNonNull(inspectTimeout, "inspectTimeout");
    chains = List.copyOf(chains);
  }

  /** One HTTP chain matching everything and no listener filter: the plain HTTP listener. */
  public boolean plainHttp() {
    return !originalDst && !httpInspector && defaultChain == null && chains.size() == 1
        && chains.get(0).destinationPort().isEmpty() && chains.get(0).applicationProtocols().isEmpty()
        && chains.get(0).action() instanceof Http;
  }

  /** Whether a chain can only be chosen once the first bytes were seen. */
  public boolean needsProtocol() {
    return httpInspector && chains.stream().anyMatch(c -> !c.applicationProtocols().isEmpty());
  }

  /**
   * Envoy's order: chains naming the destination port beat those that name none; among those,
   * chains naming the detected protocol beat those that name none; nothing left → the default
   * chain (null: close the connection).
   */
  public @Nullable Chain select(int destinationPort, @Nullable String protocol) {
    List<Chain> byPort = chains.stream()
        .filter(c -> c.destinationPort().isPresent() && c.destinationPort().getAsInt() == destinationPort)
        .toList();
    if (byPort.isEmpty()) {
      byPort = chains.stream().filter(c -> c.destinationPort().isEmpty()).toList();
    }
    List<Chain> byProtocol = byPort.stream()
        .filter(c -> protocol != null && c.applicationProtocols().contains(protocol)).toList();
    if (byProtocol.isEmpty()) {
      byProtocol = byPort.stream().filter(c -> c.applicationProtocols().isEmpty()).toList();
    }
    return byProtocol.isEmpty() ? defaultChain : byProtocol.get(0);
  }

  /** Compiles a listener that passed the semantic checks. */
  public static FilterChains compile(Listener listener) {
    boolean originalDst = false;
    boolean inspector = false;
    for (ListenerFilter f : listener.getListenerFiltersList()) {
      originalDst |= f.getName().equals(ORIGINAL_DST);
      inspector |= f.getName().equals(HTTP_INSPECTOR);
    }
    Duration timeout = listener.hasListenerFiltersTimeout()
        ? Duration.ofMillis(Durations.toMillis(listener.getListenerFiltersTimeout())) : DEFAULT_INSPECT_TIMEOUT;
    List<Chain> chains = new ArrayList<>();
    for (int i = 0; i < listener.getFilterChainsCount(); i++) {
      chains.add(chain(listener.getFilterChains(i), "filter_chains[" + i + "]"));
    }
    Chain defaultChain = listener.hasDefaultFilterChain()
        ? chain(listener.getDefaultFilterChain(), "default_filter_chain") : null;
    return new FilterChains(originalDst, inspector, timeout, listener.getContinueOnListenerFiltersTimeout(),
        chains, defaultChain);
  }

  private static Chain chain(FilterChain chain, String path) {
    var match = chain.getFilterChainMatch();
    OptionalInt port = match.hasDestinationPort()
        ? OptionalInt.of(match.getDestinationPort().getValue()) : OptionalInt.empty();
    var filter = chain.getFilters(0);
    Action action;
    if (filter.getName().equals(TCP_PROXY)) {
      try {
        TcpProxy tcp = filter.getTypedConfig().unpack(TcpProxy.class);
        action = new Tcp(tcp.getCluster(), tcp.getStatPrefix());
      } catch (InvalidProtocolBufferException e) {
        throw new ConfigException(path + ".filters[0].typed_config", "does not parse: " + e.getMessage());
      }
    } else {
      action = new Http();
    }
    return new Chain(chain.getName().isEmpty() ? path : chain.getName(), port,
        Set.copyOf(match.getApplicationProtocolsList()), action);
  }
}
