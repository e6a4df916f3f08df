package dev.corral.sidecar.cluster.lb;

import static dev.corral.sidecar.cluster.lb.TestHosts.equalHosts;
import static dev.corral.sidecar.cluster.lb.TestHosts.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.xds.type.v3.TypedStruct;
import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import com.google.protobuf.Value;
import dev.corral.sidecar.bootstrap.ConfigException;
import dev.corral.sidecar.cluster.LoadBalancer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.Cluster.LbPolicy;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.load_balancing_policies.cluster_provided.v3.ClusterProvided;
import io.envoyproxy.envoy.extensions.load_balancing_policies.common.v3.SlowStartConfig;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.maglev.v3.Maglev;
import io.envoyproxy.envoy.extensions.load_balancing_policies.random.v3.Random;
import io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LoadBalancersForClusterTest {
  private static final String POLICY_0 = "load_balancing_policy.policies[0].typed_extension_config.typed_config";

  @Test
  void mapsRoundRobinByDefault() {
    assertThat(create(Cluster.getDefaultInstance())).isInstanceOf(RoundRobinLoadBalancer.class);
  }

  @Test
  void mapsEachLbPolicy() {
    assertThat(create(policy(LbPolicy.RANDOM))).isInstanceOf(RandomLoadBalancer.class);
    assertThat(create(policy(LbPolicy.LEAST_REQUEST))).isInstanceOf(LeastRequestLoadBalancer.class);
    assertThat(create(policy(LbPolicy.RING_HASH))).isInstanceOf(RingHashLoadBalancer.class);
    assertThat(create(policy(LbPolicy.MAGLEV))).isInstanceOf(MaglevLoadBalancer.class);
  }

  @Test
  void mapsWeightedRoundRobinAndLeastRequestToEdf() {
    LoadBalancer.Factory rr = LoadBalancers.forCluster(policy(LbPolicy.ROUND_ROBIN), new SplittableRandom(1), () -> 0);
    LoadBalancer.Factory lr = LoadBalancers.forCluster(policy(LbPolicy.LEAST_REQUEST), new SplittableRandom(1), () -> 0);

    assertThat(rr.create(weighted(2, 1))).isInstanceOf(EdfLoadBalancer.class);
    assertThat(lr.create(weighted(2, 1))).isInstanceOf(EdfLoadBalancer.class);
  }

  @Test
  void readsLegacyLbConfigs() {
    Cluster leastRequest =
        policy(LbPolicy.LEAST_REQUEST).toBuilder()
            .setLeastRequestLbConfig(
                Cluster.LeastRequestLbConfig.newBuilder().setChoiceCount(UInt32Value.of(1)))
            .build();
    Cluster ringHash =
        policy(LbPolicy.RING_HASH).toBuilder()
            .setRingHashLbConfig(
                Cluster.RingHashLbConfig.newBuilder()
                    .setHashFunction(Cluster.RingHashLbConfig.HashFunction.MURMUR_HASH_2)
                    .setMinimumRingSize(UInt64Value.of(4096))
                    .setMaximumRingSize(UInt64Value.of(2048)))
            .build();
    Cluster maglev =
        policy(LbPolicy.MAGLEV).toBuilder()
            .setMaglevLbConfig(Cluster.MaglevLbConfig.newBuilder().setTableSize(UInt64Value.of(65_536)))
            .build();

    assertThatThrownBy(() -> create(leastRequest))
        .isInstanceOf(ConfigException.class)
        .hasMessage("least_request_lb_config.choice_count: 1 (expected: 2..32767)");
    assertThatThrownBy(() -> create(ringHash))
        .hasMessage("ring_hash_lb_config.maximum_ring_size: 2048 (expected: minimum_ring_size 4096..8388608)");
    assertThatThrownBy(() -> create(maglev))
        .hasMessage("maglev_lb_config.table_size: 65536 (expected: a prime <= 5000011)");
  }

  @Test
  void acceptsBothRingHashFunctions() {
    for (Cluster.RingHashLbConfig.HashFunction function :
        new Cluster.RingHashLbConfig.HashFunction[] {
          Cluster.RingHashLbConfig.HashFunction.XX_HASH, Cluster.RingHashLbConfig.HashFunction.MURMUR_HASH_2
        }) {
      Cluster cluster =
          policy(LbPolicy.RING_HASH).toBuilder()
              .setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder().setHashFunction(function))
              .build();
      assertThat(create(cluster)).isInstanceOf(RingHashLoadBalancer.class);
    }
  }

  @ParameterizedTest
  @EnumSource(value = LbPolicy.class, names = {"CLUSTER_PROVIDED", "LOAD_BALANCING_POLICY_CONFIG"})
  void rejectsUnsupportedLbPolicies(LbPolicy lbPolicy) {
    assertThatThrownBy(() -> create(policy(lbPolicy)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("lb_policy: " + lbPolicy)
        .extracting(e -> ((ConfigException) e).path())
        .isEqualTo("lb_policy");
  }

  @Test
  void rejectsClusterProvidedWithEnvoysWording() {
    assertThatThrownBy(() -> create(policy(LbPolicy.CLUSTER_PROVIDED)))
        .hasMessage("lb_policy: CLUSTER_PROVIDED not supported");
  }

  @Test
  void rejectsSlowStart() {
    Cluster cluster =
        Cluster.newBuilder()
            .setRoundRobinLbConfig(
                Cluster.RoundRobinLbConfig.newBuilder()
                    .setSlowStartConfig(Cluster.SlowStartConfig.getDefaultInstance()))
            .build();

    assertThatThrownBy(() -> create(cluster))
        .hasMessage("round_robin_lb_config.slow_start_config: not supported");
  }

  @Test
  void mapsEachLoadBalancingPolicyExtension() {
    assertThat(create(policies(RoundRobin.getDefaultInstance()))).isInstanceOf(RoundRobinLoadBalancer.class);
    assertThat(create(policies(Random.getDefaultInstance()))).isInstanceOf(RandomLoadBalancer.class);
    assertThat(create(policies(LeastRequest.newBuilder().setChoiceCount(UInt32Value.of(3)).build())))
        .isInstanceOf(LeastRequestLoadBalancer.class);
    assertThat(create(policies(RingHash.newBuilder().setMinimumRingSize(UInt64Value.of(64)).build())))
        .isInstanceOf(RingHashLoadBalancer.class);
    assertThat(create(policies(Maglev.newBuilder().setTableSize(UInt64Value.of(251)).build())))
        .isInstanceOf(MaglevLoadBalancer.class);
    assertThat(create(policies(peakEwma(Struct.getDefaultInstance())))).isInstanceOf(PeakEwmaLoadBalancer.class);
  }

  @Test
  void loadBalancingPolicyTakesPrecedenceOverLbPolicy() {
    Cluster cluster = policies(Random.getDefaultInstance()).toBuilder().setLbPolicy(LbPolicy.MAGLEV).build();

    assertThat(create(cluster)).isInstanceOf(RandomLoadBalancer.class);
  }

  @Test
  void usesTheFirstSupportedPolicy() {
    Cluster cluster = policies(ClusterProvided.getDefaultInstance(), Maglev.getDefaultInstance(), Random.getDefaultInstance());

    assertThat(create(cluster)).isInstanceOf(MaglevLoadBalancer.class);
  }

  @Test
  void acceptsPeakEwmaWithADecay() {
    Struct config = Struct.newBuilder().putFields("decay", Value.newBuilder().setStringValue("2.5s").build()).build();

    assertThat(create(policies(peakEwma(config)))).isInstanceOf(PeakEwmaLoadBalancer.class);
  }

  @Test
  void rejectsABadPeakEwmaDecay() {
    Struct config = Struct.newBuilder().putFields("decay", Value.newBuilder().setStringValue("soon").build()).build();

    assertThatThrownBy(() -> create(policies(peakEwma(config))))
        .isInstanceOf(ConfigException.class)
        .hasMessage(POLICY_0 + ".value.decay: \"soon\" is not a duration such as \"10s\"");
  }

  @Test
  void rejectsUnknownPeakEwmaFields() {
    Struct config = Struct.newBuilder().putFields("alpha", Value.newBuilder().setNumberValue(1).build()).build();

    assertThatThrownBy(() -> create(policies(peakEwma(config))))
        .hasMessage(POLICY_0 + ".value.alpha: unknown field (expected: decay)");
  }

  @Test
  void rejectsAnUnsupportedPolicyType() {
    assertThatThrownBy(() -> create(policies(ClusterProvided.getDefaultInstance())))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            POLICY_0
                + ": unsupported type type.googleapis.com/"
                + "envoy.extensions.load_balancing_policies.cluster_provided.v3.ClusterProvided");
  }

  @Test
  void rejectsATypedStructOfAnotherType() {
    TypedStruct other = TypedStruct.newBuilder().setTypeUrl("type.googleapis.com/acme.Fancy").build();

    assertThatThrownBy(() -> create(policies(other)))
        .hasMessage(POLICY_0 + ": unsupported type type.googleapis.com/xds.type.v3.TypedStruct of type.googleapis.com/acme.Fancy");
  }

  @Test
  void namesEveryTypeWhenNoPolicyIsSupported() {
    assertThatThrownBy(() -> create(policies(ClusterProvided.getDefaultInstance(), ClusterProvided.getDefaultInstance())))
        .hasMessageStartingWith("load_balancing_policy.policies: no supported policy among [");
  }

  @Test
  void rejectsUnsupportedFieldsOfASupportedPolicy() {
    Cluster slowStart =
        policies(
            ClusterProvided.getDefaultInstance(),
            RoundRobin.newBuilder().setSlowStartConfig(SlowStartConfig.getDefaultInstance()).build());
    Cluster fullScan = policies(LeastRequest.newBuilder().setEnableFullScan(BoolValue.of(true)).build());
    Cluster badTable = policies(Maglev.newBuilder().setTableSize(UInt64Value.of(100)).build());

    assertThatThrownBy(() -> create(slowStart))
        .hasMessage(
            "load_balancing_policy.policies[1].typed_extension_config.typed_config.slow_start_config: not supported");
    assertThatThrownBy(() -> create(fullScan)).hasMessage(POLICY_0 + ".enable_full_scan: not supported");
    assertThatThrownBy(() -> create(badTable))
        .hasMessage(POLICY_0 + ".table_size: 100 (expected: a prime <= 5000011)");
  }

  @Test
  void rejectsAnEmptyPolicyList() {
    Cluster cluster = Cluster.newBuilder().setLoadBalancingPolicy(LoadBalancingPolicy.getDefaultInstance()).build();

    assertThatThrownBy(() -> create(cluster))
        .hasMessage("load_balancing_policy.policies: empty (expected: at least one policy)");
  }

  @Test
  void errorsTakeTheClusterPrefix() {
    ConfigException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ConfigException.class, () -> create(policy(LbPolicy.CLUSTER_PROVIDED)));

    assertThat(e.under("static_resources.clusters[2]"))
        .hasMessage("static_resources.clusters[2].lb_policy: CLUSTER_PROVIDED not supported");
  }

  private static LoadBalancer create(Cluster cluster) {
    return LoadBalancers.forCluster(cluster, new SplittableRandom(1), () -> 0).create(equalHosts(3));
  }

  private static Cluster policy(LbPolicy lbPolicy) {
    return Cluster.newBuilder().setName("c").setLbPolicy(lbPolicy).build();
  }

  private static Cluster policies(Message... configs) {
    LoadBalancingPolicy.Builder policy = LoadBalancingPolicy.newBuilder();
    for (Message config : configs) {
      policy.addPolicies(
          LoadBalancingPolicy.Policy.newBuilder()
              .setTypedExtensionConfig(
                  TypedExtensionConfig.newBuilder().setName("lb").setTypedConfig(Any.pack(config))));
    }
    return Cluster.newBuilder().setName("c").setLoadBalancingPolicy(policy).build();
  }

  private static TypedStruct peakEwma(Struct value) {
    return TypedStruct.newBuilder().setTypeUrl(LoadBalancers.PEAK_EWMA_TYPE_URL).setValue(value).build();
  }
}
