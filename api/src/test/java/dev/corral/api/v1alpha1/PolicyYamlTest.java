package dev.corral.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The API.md examples read into the model and write back unchanged: field names are the contract. */
class PolicyYamlTest {
  private static final ObjectMapper YAML = new YAMLMapper();

  static final String BALANCE = """
      apiVersion: corral.dev/v1alpha1
      kind: BalancePolicy
      metadata: {name: images, namespace: shop}
      spec:
        targetRef: {group: "", kind: Service, name: images}
        algorithm: RingHash
        hashOn:
          cookie: {name: corral-affinity, ttl: 1h, path: /}
          sourceIP: true
        healthyPanicThreshold: 50
        timeouts: {request: 15s, connect: 1s, idle: 1h}
        retries:
          attempts: 2
          perTryTimeout: 1s
          retryOn: [connect-failure, reset, refused-stream, gateway-error, retriable-status-codes]
          retriableStatusCodes: [503]
          backoff: {baseInterval: 25ms, maxInterval: 250ms}
          budget: {percent: 20, minRetryConcurrency: 3}
        healthCheck: {path: /healthz, interval: 5s, timeout: 1s, healthyThreshold: 2, unhealthyThreshold: 3}
        outlierDetection:
          consecutive5xx: 5
          consecutiveGatewayFailure: 3
          interval: 10s
          baseEjectionTime: 30s
          maxEjectionPercent: 50
        circuitBreaker: {maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024}
      status:
        observedGeneration: 3
        conditions:
        - {type: Accepted, status: "True", reason: Accepted, message: ""}
      """;

  static final String CACHE = """
      apiVersion: corral.dev/v1alpha1
      kind: CachePolicy
      metadata: {name: images, namespace: shop}
      spec:
        targetRef: {kind: Service, name: images}
        placement: Client
        maxSize: 64Mi
        maxObjectSize: 1Mi
        defaultTtl: 0s
        staleWhileRevalidate: 10s
        staleIfError: 5m
        keyHeaders: [accept, accept-encoding]
        shareAcrossCredentials: false
        invalidateOnUnsafeMethods: true
      """;

  static final String COLLAPSE = """
      apiVersion: corral.dev/v1alpha1
      kind: CollapsePolicy
      metadata: {name: images, namespace: shop}
      spec:
        targetRef: {kind: Service, name: images}
        placement: Server
        methods: [GET, HEAD]
        keyHeaders: [accept, accept-encoding]
        shareAcrossCredentials: false
        maxWait: 5s
        maxBufferedBytes: 8Mi
        ranges:
          enabled: true
          blockSize: 64Ki
          maxBlocksPerFetch: 16
      """;

  @Test
  void balancePolicyRoundTripsWithApiFieldNames() throws Exception {
    BalancePolicy p = roundTrips(BALANCE, BalancePolicy.class);
    assertThat(p.getSpec().getAlgorithm()).isEqualTo(Algorithm.RING_HASH);
    assertThat(p.getSpec().getHashOn().getSourceIP()).isTrue();
    assertThat(p.getSpec().getHashOn().getCookie().getTtl()).isEqualTo("1h");
    assertThat(p.getSpec().getRetries().getRetriableStatusCodes()).containsExactly(503);
    assertThat(p.getSpec().getOutlierDetection().getConsecutive5xx()).isEqualTo(5);
    assertThat(p.getStatus().getObservedGeneration()).isEqualTo(3L);
    assertThat(p.getStatus().getConditions()).singleElement().satisfies(c -> assertThat(c.getType()).isEqualTo("Accepted"));
  }

  @Test
  void cachePolicyRoundTripsWithApiFieldNames() throws Exception {
    CachePolicy p = roundTrips(CACHE, CachePolicy.class);
    assertThat(p.getSpec().getPlacement()).isEqualTo(Placement.CLIENT);
    assertThat(Quantities.parseBytes(p.getSpec().getMaxSize())).isEqualTo(64L << 20);
  }

  @Test
  void collapsePolicyRoundTripsWithApiFieldNames() throws Exception {
    CollapsePolicy p = roundTrips(COLLAPSE, CollapsePolicy.class);
    assertThat(p.getSpec().getMethods()).isEqualTo(List.of("GET", "HEAD"));
    assertThat(p.getSpec().getRanges().getMaxBlocksPerFetch()).isEqualTo(16);
  }

  @Test
  void customResourcesCarryGroupVersionKindAndPlural() {
    assertThat(new BalancePolicy().getApiVersion()).isEqualTo("corral.dev/v1alpha1");
    assertThat(new BalancePolicy().getKind()).isEqualTo("BalancePolicy");
    assertThat(new BalancePolicy().getPlural()).isEqualTo("balancepolicies");
    assertThat(new CachePolicy().getPlural()).isEqualTo("cachepolicies");
    assertThat(new CollapsePolicy().getPlural()).isEqualTo("collapsepolicies");
    assertThat(new CollapsePolicy().getScope()).isEqualTo("Namespaced");
    assertThat(CustomResourceNames.crdName(CollapsePolicy.class)).isEqualTo("collapsepolicies.corral.dev");
  }

  @Test
  void fabric8SerializationFindsCorralKindsThroughServiceLoader() {
    // META-INF/services/io.fabric8.kubernetes.api.model.KubernetesResource: without it fabric8
    // answers GenericKubernetesResource for our kinds.
    Object p = new io.fabric8.kubernetes.client.utils.KubernetesSerialization().unmarshal(COLLAPSE);
    assertThat(p).isInstanceOf(CollapsePolicy.class);
    assertThat(((CollapsePolicy) p).getSpec().getMaxWait()).isEqualTo("5s");
  }

  @Test
  void absentFieldsStayAbsent() throws Exception {
    BalancePolicy p = YAML.readValue("""
        apiVersion: corral.dev/v1alpha1
        kind: BalancePolicy
        metadata: {name: a}
        spec: {targetRef: {kind: Service, name: a}}
        """, BalancePolicy.class);
    JsonNode spec = YAML.valueToTree(p).get("spec");
    assertThat(spec.size()).isEqualTo(1);
  }

  private static <T> T roundTrips(String yaml, Class<T> type) throws Exception {
    T value = YAML.readValue(yaml, type);
    JsonNode original = YAML.readTree(yaml);
    JsonNode written = YAML.readTree(YAML.writeValueAsString(value));
    assertThat(written).isEqualTo(original);
    return value;
  }
}
