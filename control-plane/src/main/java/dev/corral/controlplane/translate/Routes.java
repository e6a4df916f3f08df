package dev.corral.controlplane.translate;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import dev.corral.api.v1alpha1.BalancePolicySpec;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The route of one Service port: everything to its cluster, with the BalancePolicy's request
 * timeout, retry policy and hash policy. The retry budget lives on the cluster (Envoy's
 * {@code circuit_breakers.thresholds.retry_budget}), see {@link Clusters}.
 */
final class Routes {
  /** What {@code retries} retries when it does not say: failures that never reached the app, and gateway errors. */
  static final List<String> DEFAULT_RETRY_ON =
      List.of("connect-failure", "refused-stream", "reset", "gateway-error");
  static final int DEFAULT_RETRY_ATTEMPTS = 1;
  /** Re-picks per retry to avoid a host already tried. */
  static final int HOST_SELECTION_RETRY_MAX_ATTEMPTS = 3;

  private Routes() {}

  static Route catchAll(String cluster, @Nullable BalancePolicySpec spec) {
    RouteAction.Builder action = RouteAction.newBuilder().setCluster(cluster);
    if (spec != null) {
      if (spec.getTimeouts() != null) {
        Duration request = Protos.duration(spec.getTimeouts().getRequest());
        if (request != null) {
          action.setTimeout(Protos.toProto(request));
        }
      }
      if (spec.getRetries() != null) {
        action.setRetryPolicy(retryPolicy(spec.getRetries()));
      }
      if (spec.getHashOn() != null && spec.getAlgorithm() != null && spec.getAlgorithm().isConsistentHash()) {
        action.addHashPolicy(hashPolicy(spec.getHashOn()));
      }
    }
    return Route.newBuilder()
        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(action)
        .build();
  }

  /**
   * The catch-all virtual host of an intercepted sidecar: a Host / :authority that names no mesh
   * service goes to its original destination ({@link Names#PASSTHROUGH}), with no timeout or
   * retries of ours, and past the cache and collapse filters ({@code disabled}), since their
   * shared fetches could not know where each request was going.
   */
  static VirtualHost allowAny(List<HttpFilter> clientFilters) {
    Route.Builder route = Route.newBuilder()
        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder().setCluster(Names.PASSTHROUGH)
            .setTimeout(com.google.protobuf.Duration.getDefaultInstance()));
    for (HttpFilter f : clientFilters) {
      route.putTypedPerFilterConfig(f.getName(), Any.pack(FilterConfig.newBuilder().setDisabled(true).build()));
    }
    return VirtualHost.newBuilder().setName(Names.ALLOW_ANY).addDomains("*").addRoutes(route).build();
  }

  private static RetryPolicy retryPolicy(BalancePolicySpec.Retries r) {
    List<String> on = r.getRetryOn() == null || r.getRetryOn().isEmpty() ? DEFAULT_RETRY_ON : r.getRetryOn();
    RetryPolicy.Builder p = RetryPolicy.newBuilder()
        .setRetryOn(String.join(",", on))
        .setNumRetries(UInt32Value.of(r.getAttempts() != null ? r.getAttempts() : DEFAULT_RETRY_ATTEMPTS));
    Duration perTry = Protos.duration(r.getPerTryTimeout());
    if (perTry != null && !perTry.isZero()) {
      p.setPerTryTimeout(Protos.toProto(perTry));
    }
    if (r.getBackoff() != null) {
      Duration base = Protos.duration(r.getBackoff().getBaseInterval());
      Duration max = Protos.duration(r.getBackoff().getMaxInterval());
      if (base != null || max != null) {
        RetryPolicy.RetryBackOff.Builder b = RetryPolicy.RetryBackOff.newBuilder();
        // Envoy requires base_interval; with only a cap, take Envoy's default base (25ms), capped.
        Duration effectiveBase = base != null ? base : minDuration(Duration.ofMillis(25), max);
        b.setBaseInterval(Protos.toProto(effectiveBase));
        if (max != null) {
          b.setMaxInterval(Protos.toProto(max));
        }
        p.setRetryBackOff(b);
      }
    }
    if (r.getRetriableStatusCodes() != null) {
      for (Integer code : r.getRetriableStatusCodes()) {
        p.addRetriableStatusCodes(code);
      }
    }
    if (r.getAttempts() == null || r.getAttempts() > 0) {
      p.addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
          .setName("envoy.retry_host_predicates.previous_hosts")
          .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())));
      p.setHostSelectionRetryMaxAttempts(HOST_SELECTION_RETRY_MAX_ATTEMPTS);
    }
    return p.build();
  }

  private static RouteAction.HashPolicy hashPolicy(BalancePolicySpec.HashOn h) {
    RouteAction.HashPolicy.Builder p = RouteAction.HashPolicy.newBuilder();
    if (h.getHeader() != null) {
      p.setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(h.getHeader()));
    } else if (h.getCookie() != null) {
      RouteAction.HashPolicy.Cookie.Builder c = RouteAction.HashPolicy.Cookie.newBuilder()
          .setName(h.getCookie().getName());
      Duration ttl = Protos.duration(h.getCookie().getTtl());
      if (ttl != null) {
        c.setTtl(Protos.toProto(ttl));
      }
      if (h.getCookie().getPath() != null) {
        c.setPath(h.getCookie().getPath());
      }
      p.setCookie(c);
    } else if (Boolean.TRUE.equals(h.getSourceIP())) {
      p.setConnectionProperties(RouteAction.HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true));
    } else if (Boolean.TRUE.equals(h.getPath())) {
      p.setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(":path"));
    }
    return p.build();
  }

  private static Duration minDuration(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
