package dev.corral.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.api.v1alpha1.Algorithm;
import dev.corral.api.v1alpha1.BalancePolicy;
import dev.corral.controlplane.model.Endpoint;
import dev.corral.controlplane.model.PolicyKind;
import dev.corral.controlplane.model.ServiceKey;
import dev.corral.controlplane.translate.Names;
import dev.corral.controlplane.xds.XdsType;
import dev.corral.operator.MockCluster.Ep;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's proof scenarios (issue 6), each in its own namespace so that they can share one
 * mock API server: {@link ControllerScenarioTest} runs them one by one, {@link RbacTest} runs them
 * all and checks the requests the controller made against {@link Rbac}.
 */
final class Scenarios {
  static final Duration WAIT = Duration.ofSeconds(20);

  private Scenarios() {}

  static String cluster(String ns, String service, int port) {
    return Names.outboundCluster(ServiceKey.of(ns, service), port);
  }

  /**
   * Service + EndpointSlice + BalancePolicy → the sidecar is sent the translated cluster and its
   * endpoints; the policy is Accepted with the current observedGeneration and Programmed once the
   * sidecar ACKed. An update → a new CDS version with the new algorithm, observedGeneration follows.
   */
  static void policyReachesTheSnapshot(MockCluster k8s) throws Exception {
    String ns = "snapshot";
    try (Controller c = k8s.startController("a");
        AckingSidecar sidecar = new AckingSidecar(c.controlPlane().xdsPort(), "client", ns)) {
      k8s.service(ns, "images", 80);
      k8s.slice(ns, "images-1", "images", 8080, Ep.ready("10.0.0.1", "images-a"), Ep.ready("10.0.0.2", "images-b"));
      k8s.balancePolicy(ns, "images", MockCluster.balance("images", Algorithm.LEAST_REQUEST));
      String name = cluster(ns, "images", 80);

      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(clusterNamed(sidecar, name)).map(Cluster::getLbPolicy).contains(Cluster.LbPolicy.LEAST_REQUEST);
        assertThat(addresses(sidecar, name)).containsExactly("10.0.0.1:8080", "10.0.0.2:8080");
      });
      await().atMost(WAIT).untilAsserted(() -> {
        BalancePolicy p = k8s.getBalancePolicy(ns, "images");
        assertThat(p.getStatus().getObservedGeneration()).isEqualTo(p.getMetadata().getGeneration());
        assertCondition(k8s.condition(ns, "images", "Accepted"), "True", "Accepted");
        assertCondition(k8s.condition(ns, "images", "Programmed"), "True", "Programmed");
      });
      String acceptedSince = k8s.condition(ns, "images", "Accepted").getLastTransitionTime();
      String cdsBefore = sidecar.version(XdsType.CDS);

      BalancePolicy updated = k8s.updateBalancePolicy(ns, "images", s -> s.setAlgorithm(Algorithm.RANDOM));
      long generation = updated.getMetadata().getGeneration();
      assertThat(generation).isGreaterThan(1);
      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(sidecar.version(XdsType.CDS)).isNotEqualTo(cdsBefore);
        assertThat(clusterNamed(sidecar, name)).map(Cluster::getLbPolicy).contains(Cluster.LbPolicy.RANDOM);
      });
      await().atMost(WAIT).untilAsserted(() -> {
        BalancePolicy p = k8s.getBalancePolicy(ns, "images");
        assertThat(p.getStatus().getObservedGeneration()).isEqualTo(generation);
        Condition accepted = k8s.condition(ns, "images", "Accepted");
        assertCondition(accepted, "True", "Accepted");
        assertThat(accepted.getObservedGeneration()).isEqualTo(generation);
        assertCondition(k8s.condition(ns, "images", "Programmed"), "True", "Programmed");
      });
      // Accepted stayed True: its transition time did not move.
      assertThat(k8s.condition(ns, "images", "Accepted").getLastTransitionTime()).isEqualTo(acceptedSince);
    }
  }

  /**
   * A semantically invalid update → Accepted=False, reason=Invalid naming the field, an Event, and
   * the last valid generation stays in the model and in what the sidecar is sent.
   */
  static void invalidPolicyKeepsTheLastValidConfig(MockCluster k8s) throws Exception {
    String ns = "invalid";
    try (Controller c = k8s.startController("a");
        AckingSidecar sidecar = new AckingSidecar(c.controlPlane().xdsPort(), "client", ns)) {
      k8s.service(ns, "images", 80);
      k8s.slice(ns, "images-1", "images", 8080, Ep.ready("10.0.0.1", "images-a"));
      k8s.balancePolicy(ns, "images", MockCluster.balance("images", Algorithm.LEAST_REQUEST));
      String name = cluster(ns, "images", 80);
      await().atMost(WAIT).untilAsserted(() ->
          assertCondition(k8s.condition(ns, "images", "Accepted"), "True", "Accepted"));

      // RingHash needs hashOn: the schema's CEL rule refuses it at apply time; the validator too.
      k8s.updateBalancePolicy(ns, "images", s -> s.setAlgorithm(Algorithm.RING_HASH));
      await().atMost(WAIT).untilAsserted(() -> {
        Condition accepted = k8s.condition(ns, "images", "Accepted");
        assertCondition(accepted, "False", "Invalid");
        assertThat(accepted.getMessage()).contains("spec.hashOn").contains("generation 1 stays in force");
        assertCondition(k8s.condition(ns, "images", "Programmed"), "False", "Pending");
        assertThat(k8s.getBalancePolicy(ns, "images").getStatus().getObservedGeneration()).isEqualTo(2);
        assertThat(eventReasons(k8s, ns, "images")).contains("Accepted", "Invalid");
      });
      var inForce = c.controlPlane().model().policyFor(PolicyKind.BALANCE, ServiceKey.of(ns, "images")).orElseThrow();
      assertThat(inForce.generation()).isEqualTo(1);
      assertThat(inForce.spec().getAlgorithm()).isEqualTo(Algorithm.LEAST_REQUEST);
      assertThat(clusterNamed(sidecar, name)).map(Cluster::getLbPolicy).contains(Cluster.LbPolicy.LEAST_REQUEST);
      assertThat(c.source().problems()).anySatisfy(p -> assertThat(p.field()).isEqualTo("spec.hashOn"));
    }
  }

  /** Two BalancePolicies on one Service: the older wins, the newer is Conflicted and names it. */
  static void newerPolicyIsConflicted(MockCluster k8s) throws Exception {
    String ns = "conflict";
    try (Controller c = k8s.startController("a")) {
      k8s.service(ns, "images", 80);
      BalancePolicy first = k8s.balancePolicy(ns, "first", MockCluster.balance("images", Algorithm.LEAST_REQUEST));
      // creationTimestamp has one-second resolution: let the clock pass it, so that the second is newer.
      Instant created = Instant.parse(first.getMetadata().getCreationTimestamp());
      await().atMost(WAIT).until(() -> Instant.now().isAfter(created.plusSeconds(1)));
      // Named to sort first: the winner must come from age, not from the name.
      k8s.balancePolicy(ns, "a-newer", MockCluster.balance("images", Algorithm.RANDOM));
      await().atMost(WAIT).untilAsserted(() -> {
        assertCondition(k8s.condition(ns, "first", "Accepted"), "True", "Accepted");
        Condition loser = k8s.condition(ns, "a-newer", "Accepted");
        assertCondition(loser, "False", "Conflicted");
        assertThat(loser.getMessage()).contains("BalancePolicy " + ns + "/first");
      });
      assertThat(c.controlPlane().model().policyFor(PolicyKind.BALANCE, ServiceKey.of(ns, "images")))
          .map(p -> p.name()).contains("first");
    }
  }

  /** The target Service deleted → TargetNotFound. */
  static void deletedTargetIsNotFound(MockCluster k8s) throws Exception {
    String ns = "target";
    try (Controller c = k8s.startController("a")) {
      k8s.service(ns, "images", 80);
      k8s.balancePolicy(ns, "images", MockCluster.balance("images", Algorithm.LEAST_REQUEST));
      await().atMost(WAIT).untilAsserted(() ->
          assertCondition(k8s.condition(ns, "images", "Accepted"), "True", "Accepted"));
      k8s.client.services().inNamespace(ns).withName("images").delete();
      await().atMost(WAIT).untilAsserted(() -> {
        Condition accepted = k8s.condition(ns, "images", "Accepted");
        assertCondition(accepted, "False", "TargetNotFound");
        assertThat(accepted.getMessage()).contains("Service " + ns + "/images");
      });
    }
  }

  /** An endpoint turning not-ready leaves EDS; a terminating one (still serving) is drained: left out too. */
  static void notReadyAndTerminatingEndpointsLeaveEds(MockCluster k8s) throws Exception {
    String ns = "endpoints";
    try (Controller c = k8s.startController("a");
        AckingSidecar sidecar = new AckingSidecar(c.controlPlane().xdsPort(), "client", ns)) {
      k8s.service(ns, "images", 80);
      k8s.slice(ns, "images-1", "images", 8080,
          Ep.ready("10.0.0.1", "a"), Ep.ready("10.0.0.2", "b"), Ep.ready("10.0.0.3", "c"));
      String name = cluster(ns, "images", 80);
      await().atMost(WAIT).untilAsserted(() ->
          assertThat(addresses(sidecar, name)).containsExactly("10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080"));

      k8s.slice(ns, "images-1", "images", 8080,
          Ep.ready("10.0.0.1", "a"),
          new Ep("10.0.0.2", "b", false, false, false),   // failing its readiness probe
          new Ep("10.0.0.3", "c", false, true, true));    // terminating, still serving what it has
      await().atMost(WAIT).untilAsserted(() ->
          assertThat(addresses(sidecar, name)).containsExactly("10.0.0.1:8080"));
      List<Endpoint> model = c.controlPlane().model().endpointsOf(ServiceKey.of(ns, "images")).endpoints();
      assertThat(model).extracting(Endpoint::address, Endpoint::ready, Endpoint::serving, Endpoint::terminating)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("10.0.0.1", true, true, false),
              org.assertj.core.groups.Tuple.tuple("10.0.0.2", false, false, false),
              org.assertj.core.groups.Tuple.tuple("10.0.0.3", false, true, true));
    }
  }

  /**
   * Two controllers on one API server: both serve xDS from the same model, exactly one (the Lease
   * holder) writes status and events; when it goes, the other takes over.
   */
  static void onlyTheLeaderWritesStatus(MockCluster k8s) throws Exception {
    String ns = "leader";
    try (Controller a = k8s.startController("replica-a"); Controller b = k8s.startController("replica-b")) {
      k8s.service(ns, "images", 80);
      k8s.balancePolicy(ns, "images", MockCluster.balance("images", Algorithm.LEAST_REQUEST));
      await().atMost(WAIT).untilAsserted(() -> {
        assertCondition(k8s.condition(ns, "images", "Accepted"), "True", "Accepted");
        for (Controller c : List.of(a, b)) {
          assertThat(c.controlPlane().model().policyFor(PolicyKind.BALANCE, ServiceKey.of(ns, "images"))).isPresent();
        }
      });
      Controller leader = a.election().isLeader() ? a : b;
      Controller follower = leader == a ? b : a;
      assertThat(follower.election().isLeader()).isFalse();
      assertThat(k8s.client.leases().inNamespace(MockCluster.LEASE_NAMESPACE).withName(MockCluster.LEASE_NAME).get()
          .getSpec().getHolderIdentity()).isEqualTo(leader.election().identity());
      // The status patch is visible before the leader's pass records its event: wait for both.
      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(leader.status().writes()).isPositive();
        assertThat(leader.status().events()).isPositive();
      });
      assertThat(follower.status().writes()).isZero();
      assertThat(follower.status().events()).isZero();

      // The leader goes (releasing the lease); the other one takes over and writes the next change.
      leader.close();
      await().atMost(WAIT).until(() -> follower.election().isLeader());
      k8s.updateBalancePolicy(ns, "images", s -> s.setAlgorithm(Algorithm.RANDOM));
      await().atMost(WAIT).untilAsserted(() ->
          assertThat(k8s.getBalancePolicy(ns, "images").getStatus().getObservedGeneration()).isEqualTo(2));
      assertThat(follower.status().writes()).isPositive();
    }
  }

  /**
   * Cache and Collapse policies are judged like BalancePolicies (the schema's CEL rules again:
   * maxObjectSize ≤ maxSize, only safe methods), and a policy that does not even bind (a string
   * where a number belongs, an unknown field) is reported Invalid with its field while the watch of
   * its kind goes on.
   */
  static void everyKindIsJudgedAndABadObjectDoesNotStopTheWatch(MockCluster k8s) throws Exception {
    String ns = "kinds";
    try (Controller c = k8s.startController("a")) {
      k8s.service(ns, "images", 80);
      k8s.generic(PolicyKind.CACHE, ns, "cache", Map.of(
          "targetRef", Map.of("kind", "Service", "name", "images"), "maxSize", "1Mi", "maxObjectSize", "2Mi"));
      k8s.generic(PolicyKind.COLLAPSE, ns, "collapse", Map.of(
          "targetRef", Map.of("kind", "Service", "name", "images"), "methods", List.of("GET", "POST")));
      k8s.generic(PolicyKind.BALANCE, ns, "unbindable", Map.of(
          "targetRef", Map.of("kind", "Service", "name", "images"), "healthyPanicThreshold", "lots",
          "fromTheFuture", true));
      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(k8s.condition(PolicyKind.CACHE, ns, "cache", "Accepted"))
            .satisfies(cond -> assertCondition(cond, "False", "Invalid"))
            .extracting(Condition::getMessage).asString().contains("spec.maxObjectSize");
        assertThat(k8s.condition(PolicyKind.COLLAPSE, ns, "collapse", "Accepted"))
            .satisfies(cond -> assertCondition(cond, "False", "Invalid"))
            .extracting(Condition::getMessage).asString().contains("spec.methods[1]").contains("POST");
        assertThat(k8s.condition(PolicyKind.BALANCE, ns, "unbindable", "Accepted"))
            .satisfies(cond -> assertCondition(cond, "False", "Invalid"))
            .extracting(Condition::getMessage).asString().contains("spec.healthyPanicThreshold");
      });
      // The same watches still deliver: a valid policy of each kind is accepted.
      k8s.generic(PolicyKind.CACHE, ns, "cache", Map.of(
          "targetRef", Map.of("kind", "Service", "name", "images"), "maxSize", "4Mi", "maxObjectSize", "2Mi"));
      k8s.generic(PolicyKind.COLLAPSE, ns, "collapse", Map.of(
          "targetRef", Map.of("kind", "Service", "name", "images"), "methods", List.of("GET")));
      await().atMost(WAIT).untilAsserted(() -> {
        assertCondition(k8s.condition(PolicyKind.CACHE, ns, "cache", "Accepted"), "True", "Accepted");
        assertCondition(k8s.condition(PolicyKind.COLLAPSE, ns, "collapse", "Accepted"), "True", "Accepted");
      });
      assertThat(c.controlPlane().model().policyFor(PolicyKind.COLLAPSE, ServiceKey.of(ns, "images"))).isPresent();
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  static void assertCondition(Condition c, String status, String reason) {
    assertThat(c).as("condition").isNotNull();
    assertThat(c.getStatus()).as("%s status (%s)", c.getType(), c.getMessage()).isEqualTo(status);
    assertThat(c.getReason()).as("%s reason (%s)", c.getType(), c.getMessage()).isEqualTo(reason);
    assertThat(c.getLastTransitionTime()).isNotBlank();
  }

  static Optional<Cluster> clusterNamed(AckingSidecar sidecar, String name) {
    return sidecar.clusters().stream().filter(c -> c.getName().equals(name)).findFirst();
  }

  static List<String> addresses(AckingSidecar sidecar, String cluster) {
    return sidecar.endpoints().stream().filter(e -> e.getClusterName().equals(cluster))
        .flatMap(e -> e.getEndpointsList().stream())
        .flatMap(l -> l.getLbEndpointsList().stream())
        .map(LbEndpoint::getEndpoint)
        .map(e -> e.getAddress().getSocketAddress().getAddress() + ":" + e.getAddress().getSocketAddress().getPortValue())
        .sorted()
        .toList();
  }

  static List<String> eventReasons(MockCluster k8s, String ns, String policy) {
    return k8s.client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> policy.equals(e.getInvolvedObject().getName()))
        .map(Event::getReason)
        .toList();
  }
}
