package dev.corral.sidecar.cluster.lb;

import com.github.xds.type.v3.TypedStruct;
import com.google.common.math.LongMath;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import com.google.protobuf.Value;
import com.google.protobuf.util.Durations;
import dev.corral.sidecar.bootstrap.ConfigException;
import dev.corral.sidecar.cluster.LatencyEstimate;
import dev.corral.sidecar.cluster.LoadBalancer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.core.v3.RuntimeDouble;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.load_balancing_policies.common.v3.ConsistentHashingLbConfig;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.maglev.v3.Maglev;
import io.envoyproxy.envoy.extensions.load_balancing_policies.random.v3.Random;
import io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Maps an Envoy cluster's balancing configuration to a factory. Features we do not implement
 * (slow start, locality-aware balancing, bounded loads, ...) are refused rather than ignored, so
 * an operator never believes a setting is in effect when it is not.
 */
final class ClusterLbPolicies {
  private static final String TYPE_URL_PREFIX = "type.googleapis.com/";
  private static final String PEAK_EWMA_TYPE =
      LoadBalancers.PEAK_EWMA_TYPE_URL.substring(TYPE_URL_PREFIX.length());

  private final RandomGenerator random;
  private final LongSupplier nanoTime;

  ClusterLbPolicies(RandomGenerator random, LongSupplier nanoTime) {
    this.random = random;
    this.nanoTime = nanoTime;
  }

  LoadBalancer.Factory forCluster(Cluster cluster) {
    // Envoy ignores lb_policy when load_balancing_policy is set.
    if (cluster.hasLoadBalancingPolicy()) {
      return fromPolicies(cluster.getLoadBalancingPolicy(), "load_balancing_policy");
    }
    switch (cluster.getLbPolicy()) {
      case ROUND_ROBIN:
        if (cluster.getRoundRobinLbConfig().hasSlowStartConfig()) {
          throw unsupported("round_robin_lb_config.slow_start_config");
        }
        return LoadBalancers.roundRobin(random);
      case RANDOM:
        return LoadBalancers.random(random);
      case LEAST_REQUEST:
        {
          Cluster.LeastRequestLbConfig config = cluster.getLeastRequestLbConfig();
          String path = "least_request_lb_config";
          if (config.hasSlowStartConfig()) {
            throw unsupported(path + ".slow_start_config");
          }
          checkActiveRequestBias(
              config.hasActiveRequestBias(),
              config.getActiveRequestBias(),
              path + ".active_request_bias");
          return leastRequest(config.hasChoiceCount(), config.getChoiceCount(), path);
        }
      case RING_HASH:
        {
          Cluster.RingHashLbConfig config = cluster.getRingHashLbConfig();
          String path = "ring_hash_lb_config";
          // Both are accepted; Corral places points with its own stable hash (see RingHashLoadBalancer).
          if (config.getHashFunction() == Cluster.RingHashLbConfig.HashFunction.UNRECOGNIZED) {
            throw new ConfigException(
                path + ".hash_function",
                "unknown value " + config.getHashFunctionValue() + " (expected: XX_HASH or MURMUR_HASH_2)");
          }
          return ringHash(
              config.hasMinimumRingSize(), config.getMinimumRingSize(),
              config.hasMaximumRingSize(), config.getMaximumRingSize(), path);
        }
      case MAGLEV:
        return maglev(
            cluster.getMaglevLbConfig().hasTableSize(),
            cluster.getMaglevLbConfig().getTableSize(),
            "maglev_lb_config.table_size");
      case LOAD_BALANCING_POLICY_CONFIG:
        throw new ConfigException(
            "lb_policy", "LOAD_BALANCING_POLICY_CONFIG needs load_balancing_policy");
      case UNRECOGNIZED:
        throw new ConfigException(
            "lb_policy", "unknown value " + cluster.getLbPolicyValue() + " not supported");
      default:
        throw new ConfigException("lb_policy", cluster.getLbPolicy() + " not supported");
    }
  }

  private LoadBalancer.Factory fromPolicies(LoadBalancingPolicy policy, String path) {
    if (policy.getPoliciesCount() == 0) {
      throw new ConfigException(path + ".policies", "empty (expected: at least one policy)");
    }
    List<String> unsupported = new ArrayList<>();
    for (int i = 0; i < policy.getPoliciesCount(); i++) {
      String policyPath = path + ".policies[" + i + "].typed_extension_config";
      TypedExtensionConfig extension = policy.getPolicies(i).getTypedExtensionConfig();
      if (!extension.hasTypedConfig()) {
        throw new ConfigException(policyPath + ".typed_config", "missing");
      }
      LoadBalancer.Factory factory =
          fromExtension(extension.getTypedConfig(), policyPath + ".typed_config");
      if (factory != null) {
        return factory;
      }
      unsupported.add(describe(extension.getTypedConfig()));
    }
    if (unsupported.size() == 1) {
      throw new ConfigException(
          path + ".policies[0].typed_extension_config.typed_config",
          "unsupported type " + unsupported.get(0));
    }
    throw new ConfigException(path + ".policies", "no supported policy among " + unsupported);
  }

  /** The factory for one policy, or null when its type is not one we support (try the next). */
  private LoadBalancer.@Nullable Factory fromExtension(Any any, String path) {
    String type = typeName(any.getTypeUrl());
    if (type.equals(RoundRobin.getDescriptor().getFullName())) {
      RoundRobin config = unpack(any, RoundRobin.class, path);
      if (config.hasSlowStartConfig()) {
        throw unsupported(path + ".slow_start_config");
      }
      if (config.hasLocalityLbConfig()) {
        throw unsupported(path + ".locality_lb_config");
      }
      return LoadBalancers.roundRobin(random);
    }
    if (type.equals(Random.getDescriptor().getFullName())) {
      Random config = unpack(any, Random.class, path);
      if (config.hasLocalityLbConfig()) {
        throw unsupported(path + ".locality_lb_config");
      }
      return LoadBalancers.random(random);
    }
    if (type.equals(LeastRequest.getDescriptor().getFullName())) {
      LeastRequest config = unpack(any, LeastRequest.class, path);
      if (config.hasSlowStartConfig()) {
        throw unsupported(path + ".slow_start_config");
      }
      if (config.hasLocalityLbConfig()) {
        throw unsupported(path + ".locality_lb_config");
      }
      if (config.getEnableFullScan().getValue()) {
        throw unsupported(path + ".enable_full_scan");
      }
      if (config.getSelectionMethod() != LeastRequest.SelectionMethod.N_CHOICES) {
        throw unsupported(path + ".selection_method");
      }
      checkActiveRequestBias(
          config.hasActiveRequestBias(), config.getActiveRequestBias(), path + ".active_request_bias");
      return leastRequest(config.hasChoiceCount(), config.getChoiceCount(), path);
    }
    if (type.equals(RingHash.getDescriptor().getFullName())) {
      RingHash config = unpack(any, RingHash.class, path);
      if (config.getHashFunction() == RingHash.HashFunction.UNRECOGNIZED) {
        throw new ConfigException(
            path + ".hash_function",
            "unknown value "
                + config.getHashFunctionValue()
                + " (expected: DEFAULT_HASH, XX_HASH or MURMUR_HASH_2)");
      }
      if (config.getUseHostnameForHashing()) {
        throw unsupported(path + ".use_hostname_for_hashing");
      }
      if (config.hasHashBalanceFactor()) {
        throw unsupported(path + ".hash_balance_factor");
      }
      checkConsistentHashing(config.getConsistentHashingLbConfig(), path);
      if (config.hasLocalityWeightedLbConfig()) {
        throw unsupported(path + ".locality_weighted_lb_config");
      }
      return ringHash(
          config.hasMinimumRingSize(), config.getMinimumRingSize(),
          config.hasMaximumRingSize(), config.getMaximumRingSize(), path);
    }
    if (type.equals(Maglev.getDescriptor().getFullName())) {
      Maglev config = unpack(any, Maglev.class, path);
      checkConsistentHashing(config.getConsistentHashingLbConfig(), path);
      if (config.hasLocalityWeightedLbConfig()) {
        throw unsupported(path + ".locality_weighted_lb_config");
      }
      return maglev(config.hasTableSize(), config.getTableSize(), path + ".table_size");
    }
    if (type.equals(TypedStruct.getDescriptor().getFullName())) {
      TypedStruct struct = unpack(any, TypedStruct.class, path);
      if (typeName(struct.getTypeUrl()).equals(PEAK_EWMA_TYPE)) {
        return peakEwma(struct.getValue(), path + ".value");
      }
    }
    return null;
  }

  private LoadBalancer.Factory peakEwma(Struct value, String path) {
    Duration decay = Duration.ofNanos(LatencyEstimate.DECAY_NANOS);
    for (Map.Entry<String, Value> field : value.getFieldsMap().entrySet()) {
      String fieldPath = path + "." + field.getKey();
      if (!field.getKey().equals("decay")) {
        throw new ConfigException(fieldPath, "unknown field (expected: decay)");
      }
      Value v = field.getValue();
      if (v.getKindCase() != Value.KindCase.STRING_VALUE) {
        throw new ConfigException(fieldPath, "expected a duration string such as \"10s\"");
      }
      try {
        decay = Duration.ofNanos(Durations.toNanos(Durations.parse(v.getStringValue())));
      } catch (ParseException | IllegalArgumentException e) {
        throw new ConfigException(
            fieldPath, "\"" + v.getStringValue() + "\" is not a duration such as \"10s\"");
      }
      if (decay.isNegative() || decay.isZero()) {
        throw new ConfigException(fieldPath, v.getStringValue() + " (expected: > 0)");
      }
    }
    return LoadBalancers.peakEwma(random, nanoTime, decay);
  }

  private LoadBalancer.Factory leastRequest(boolean has, UInt32Value choiceCount, String path) {
    long choices = has ? Integer.toUnsignedLong(choiceCount.getValue()) : LoadBalancers.DEFAULT_CHOICE_COUNT;
    // An absurd count would make every pick loop for ever on the event loop.
    if (choices < 2 || choices > Short.MAX_VALUE) {
      throw new ConfigException(
          path + ".choice_count", choices + " (expected: 2.." + Short.MAX_VALUE + ")");
    }
    return LoadBalancers.leastRequest((int) choices, random);
  }

  private LoadBalancer.Factory ringHash(
      boolean hasMin, UInt64Value min, boolean hasMax, UInt64Value max, String path) {
    long minSize = hasMin ? min.getValue() : LoadBalancers.DEFAULT_MIN_RING_SIZE;
    long maxSize = hasMax ? max.getValue() : LoadBalancers.MAX_RING_SIZE;
    if (minSize < 1 || minSize > LoadBalancers.MAX_RING_SIZE) {
      throw new ConfigException(
          path + ".minimum_ring_size",
          Long.toUnsignedString(minSize) + " (expected: 1.." + LoadBalancers.MAX_RING_SIZE + ")");
    }
    if (maxSize < minSize || maxSize > LoadBalancers.MAX_RING_SIZE) {
      throw new ConfigException(
          path + ".maximum_ring_size",
          Long.toUnsignedString(maxSize)
              + " (expected: minimum_ring_size "
              + minSize
              + ".."
              + LoadBalancers.MAX_RING_SIZE
              + ")");
    }
    return LoadBalancers.ringHash(minSize, maxSize, random);
  }

  private LoadBalancer.Factory maglev(boolean has, UInt64Value tableSize, String path) {
    long size = has ? tableSize.getValue() : LoadBalancers.DEFAULT_MAGLEV_TABLE_SIZE;
    if (size < 2 || size > LoadBalancers.MAX_MAGLEV_TABLE_SIZE || !LongMath.isPrime(size)) {
      throw new ConfigException(
          path,
          Long.toUnsignedString(size)
              + " (expected: a prime <= "
              + LoadBalancers.MAX_MAGLEV_TABLE_SIZE
              + ")");
    }
    return LoadBalancers.maglev(size, random);
  }

  private static void checkActiveRequestBias(boolean has, RuntimeDouble bias, String path) {
    // The default bias 1.0 is what we implement; other biases and runtime overrides are not.
    if (has && (bias.getDefaultValue() != 1.0 || !bias.getRuntimeKey().isEmpty())) {
      throw unsupported(path);
    }
  }

  private static void checkConsistentHashing(ConsistentHashingLbConfig config, String path) {
    if (config.getUseHostnameForHashing()) {
      throw unsupported(path + ".consistent_hashing_lb_config.use_hostname_for_hashing");
    }
    if (config.hasHashBalanceFactor()) {
      throw unsupported(path + ".consistent_hashing_lb_config.hash_balance_factor");
    }
  }

  private static <T extends Message> T unpack(Any any, Class<T> type, String path) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new ConfigException(path, "cannot decode " + typeName(any.getTypeUrl()) + ": " + e.getMessage());
    }
  }

  private static String describe(Any any) {
    if (typeName(any.getTypeUrl()).equals(TypedStruct.getDescriptor().getFullName())) {
      try {
        return any.getTypeUrl() + " of " + any.unpack(TypedStruct.class).getTypeUrl();
      } catch (InvalidProtocolBufferException e) {
        // Fall through: name the outer type only.
      }
    }
    return any.getTypeUrl();
  }

  private static String typeName(String typeUrl) {
    return typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
  }

  private static ConfigException unsupported(String path) {
    return new ConfigException(path, "not supported");
  }
}
