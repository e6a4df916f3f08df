package dev.corral.controlplane.translate;

import com.github.xds.type.v3.TypedStruct;
import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import dev.corral.api.v1alpha1.Algorithm;
import dev.corral.api.v1alpha1.BalancePolicySpec;
import dev.corral.controlplane.model.ServicePort;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.Builder;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.v3.Percent;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A Service port's {@link Cluster}: EDS over ADS, shaped by the BalancePolicy in force
 * (algorithm, panic threshold, health check, outlier detection, circuit breakers and retry
 * budget, connect and idle timeouts). Only fields the sidecar supports (docs/bootstrap.md) and
 * that Envoy reads the same way.
 */
final class Clusters {
  /** The type URL the sidecar's peak-EWMA balancer is named by, inside a {@code TypedStruct}. */
  static final String PEAK_EWMA_TYPE_URL = "type.googleapis.com/corral.v1alpha1.PeakEwma";
  static final String HTTP_PROTOCOL_OPTIONS_KEY = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  // Health-check values Envoy requires and a BalancePolicy may leave out.
  static final String DEFAULT_HEALTH_PATH = "/";
  static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(5);
  static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(1);
  static final int DEFAULT_HEALTHY_THRESHOLD = 2;
  static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;

  private Clusters() {}

  static Cluster outbound(String name, ServicePort port, @Nullable BalancePolicySpec spec) {
    Cluster.Builder c = Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads()));
    @Nullable Duration idle = null;
    if (spec != null) {
      algorithm(c, spec.getAlgorithm());
      if (spec.getHealthyPanicThreshold() != null) {
        c.getCommonLbConfigBuilder().setHealthyPanicThreshold(
            Percent.newBuilder().setValue(spec.getHealthyPanicThreshold()));
      }
      BalancePolicySpec.Timeouts t = spec.getTimeouts();
      if (t != null) {
        Duration connect = Protos.duration(t.getConnect());
        if (connect != null) {
          c.setConnectTimeout(Protos.toProto(connect));
        }
        idle = Protos.duration(t.getIdle());
      }
      if (spec.getHealthCheck() != null) {
        c.addHealthChecks(healthCheck(spec.getHealthCheck()));
      }
      if (spec.getOutlierDetection() != null) {
        c.setOutlierDetection(outlierDetection(spec.getOutlierDetection()));
      }
      BalancePolicySpec.Retries.Budget budget =
          spec.getRetries() == null ? null : spec.getRetries().getBudget();
      if (spec.getCircuitBreaker() != null || budget != null) {
        c.setCircuitBreakers(circuitBreakers(spec.getCircuitBreaker(), budget));
      }
    }
    HttpProtocolOptions options = protocolOptions(port, idle);
    if (options != null) {
      c.putTypedExtensionProtocolOptions(HTTP_PROTOCOL_OPTIONS_KEY, Any.pack(options));
    }
    return c.build();
  }

  /** The local app behind the inbound listener: a STATIC cluster of one loopback endpoint. */
  static Cluster inbound(String name, ClusterLoadAssignment app) {
    return Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(Protos.toProto(Duration.ofSeconds(1)))
        .setLoadAssignment(app)
        .build();
  }

  /** Envoy's pass-through: each connection goes to its original destination (SO_ORIGINAL_DST). */
  static Cluster originalDst(String name) {
    return Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.ORIGINAL_DST)
        .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
        .setConnectTimeout(Protos.toProto(Duration.ofSeconds(1)))
        .build();
  }

  static ConfigSource ads() {
    return ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3)
        .build();
  }

  private static void algorithm(Cluster.Builder c, @Nullable Algorithm algorithm) {
    switch (algorithm == null ? Algorithm.ROUND_ROBIN : algorithm) {
      case ROUND_ROBIN -> c.setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN);
      case RANDOM -> c.setLbPolicy(Cluster.LbPolicy.RANDOM);
      case LEAST_REQUEST -> c.setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST);
      case RING_HASH -> c.setLbPolicy(Cluster.LbPolicy.RING_HASH);
      case MAGLEV -> c.setLbPolicy(Cluster.LbPolicy.MAGLEV);
      case PEAK_EWMA -> c.setLoadBalancingPolicy(peakEwma());
    }
  }

  /**
   * Peak-EWMA is a Corral extension (ARCHITECTURE.md, contract 1): a {@code TypedStruct} naming
   * {@code corral.v1alpha1.PeakEwma} first, then least-request, which a standard client that does
   * not know the extension (Envoy, proxyless gRPC) takes instead, as load_balancing_policy says.
   */
  private static LoadBalancingPolicy peakEwma() {
    TypedStruct ewma = TypedStruct.newBuilder()
        .setTypeUrl(PEAK_EWMA_TYPE_URL)
        .setValue(Struct.getDefaultInstance())
        .build();
    return LoadBalancingPolicy.newBuilder()
        .addPolicies(LoadBalancingPolicy.Policy.newBuilder().setTypedExtensionConfig(
            TypedExtensionConfig.newBuilder().setName("corral.load_balancing_policies.peak_ewma")
                .setTypedConfig(Any.pack(ewma))))
        .addPolicies(LoadBalancingPolicy.Policy.newBuilder().setTypedExtensionConfig(
            TypedExtensionConfig.newBuilder().setName("envoy.load_balancing_policies.least_request")
                .setTypedConfig(Any.pack(LeastRequest.getDefaultInstance()))))
        .build();
  }

  private static HealthCheck healthCheck(BalancePolicySpec.HealthCheck hc) {
    Duration interval = orDefault(Protos.duration(hc.getInterval()), DEFAULT_HEALTH_INTERVAL);
    Duration timeout = orDefault(Protos.duration(hc.getTimeout()), DEFAULT_HEALTH_TIMEOUT);
    HealthCheck.Builder b = HealthCheck.newBuilder()
        .setTimeout(Protos.toProto(timeout))
        .setInterval(Protos.toProto(interval))
        .setHealthyThreshold(UInt32Value.of(hc.getHealthyThreshold() != null
            ? hc.getHealthyThreshold() : DEFAULT_HEALTHY_THRESHOLD))
        .setUnhealthyThreshold(UInt32Value.of(hc.getUnhealthyThreshold() != null
            ? hc.getUnhealthyThreshold() : DEFAULT_UNHEALTHY_THRESHOLD))
        .setHttpHealthCheck(HealthCheck.HttpHealthCheck.newBuilder()
            .setPath(hc.getPath() != null ? hc.getPath() : DEFAULT_HEALTH_PATH));
    // Optional in Envoy: left unset when the policy leaves them out, so the sidecar applies
    // Envoy's defaults (which chain: unhealthy_edge_interval falls back to unhealthy_interval).
    setIfPresent(hc.getUnhealthyInterval(), b::setUnhealthyInterval);
    setIfPresent(hc.getUnhealthyEdgeInterval(), b::setUnhealthyEdgeInterval);
    setIfPresent(hc.getHealthyEdgeInterval(), b::setHealthyEdgeInterval);
    setIfPresent(hc.getNoTrafficInterval(), b::setNoTrafficInterval);
    setIfPresent(hc.getNoTrafficHealthyInterval(), b::setNoTrafficHealthyInterval);
    setIfPresent(hc.getIntervalJitter(), b::setIntervalJitter);
    return b.build();
  }

  private static OutlierDetection outlierDetection(BalancePolicySpec.OutlierDetection od) {
    OutlierDetection.Builder b = OutlierDetection.newBuilder();
    if (od.getConsecutive5xx() != null) {
      b.setConsecutive5Xx(UInt32Value.of(od.getConsecutive5xx()));
    }
    if (od.getConsecutiveGatewayFailure() != null) {
      b.setConsecutiveGatewayFailure(UInt32Value.of(od.getConsecutiveGatewayFailure()));
      // Envoy enforces gateway-failure ejections at 0 % by default: a policy that names the
      // threshold means it.
      b.setEnforcingConsecutiveGatewayFailure(UInt32Value.of(100));
    }
    Duration interval = Protos.duration(od.getInterval());
    if (interval != null) {
      b.setInterval(Protos.toProto(interval));
    }
    Duration base = Protos.duration(od.getBaseEjectionTime());
    if (base != null) {
      b.setBaseEjectionTime(Protos.toProto(base));
    }
    if (od.getMaxEjectionPercent() != null) {
      b.setMaxEjectionPercent(UInt32Value.of(od.getMaxEjectionPercent()));
    }
    return b.build();
  }

  private static CircuitBreakers circuitBreakers(BalancePolicySpec.@Nullable CircuitBreaker cb,
      BalancePolicySpec.Retries.@Nullable Budget budget) {
    CircuitBreakers.Thresholds.Builder t = CircuitBreakers.Thresholds.newBuilder()
        .setPriority(RoutingPriority.DEFAULT);
    if (cb != null) {
      if (cb.getMaxConnections() != null) {
        t.setMaxConnections(UInt32Value.of(cb.getMaxConnections()));
      }
      if (cb.getMaxPendingRequests() != null) {
        t.setMaxPendingRequests(UInt32Value.of(cb.getMaxPendingRequests()));
      }
      if (cb.getMaxRequests() != null) {
        t.setMaxRequests(UInt32Value.of(cb.getMaxRequests()));
      }
    }
    if (budget != null) {
      CircuitBreakers.Thresholds.RetryBudget.Builder rb = CircuitBreakers.Thresholds.RetryBudget.newBuilder();
      if (budget.getPercent() != null) {
        rb.setBudgetPercent(Percent.newBuilder().setValue(budget.getPercent()));
      }
      if (budget.getMinRetryConcurrency() != null) {
        rb.setMinRetryConcurrency(UInt32Value.of(budget.getMinRetryConcurrency()));
      }
      t.setRetryBudget(rb);
    }
    return CircuitBreakers.newBuilder().addThresholds(t).build();
  }

  /** HTTP/2 toward ports that declare h2c or gRPC; options only when something is to be said. */
  private static @Nullable HttpProtocolOptions protocolOptions(ServicePort port, @Nullable Duration idle) {
    String app = port.appProtocol() == null ? "" : port.appProtocol().toLowerCase(Locale.ROOT);
    boolean h2 = app.equals("kubernetes.io/h2c") || app.equals("h2c") || app.equals("grpc")
        || app.equals("http2") || port.name().startsWith("grpc") || port.name().startsWith("h2c");
    if (!h2 && idle == null) {
      return null;
    }
    HttpProtocolOptions.Builder o = HttpProtocolOptions.newBuilder();
    if (h2) {
      o.getExplicitHttpConfigBuilder().setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance());
    } else {
      o.getExplicitHttpConfigBuilder().setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance());
    }
    if (idle != null) {
      Builder common = o.getCommonHttpProtocolOptionsBuilder();
      common.setIdleTimeout(Protos.toProto(idle));
    }
    return o.build();
  }

  private static Duration orDefault(@Nullable Duration d, Duration fallback) {
    return d != null ? d : fallback;
  }

  /** Sets a proto duration field from a spec's duration, or leaves it unset when absent. */
  private static void setIfPresent(@Nullable String duration, Consumer<com.google.protobuf.Duration> setter) {
    Duration d = Protos.duration(duration);
    if (d != null) {
      setter.accept(Protos.toProto(d));
    }
  }
}
