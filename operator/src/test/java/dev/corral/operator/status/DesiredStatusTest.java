package dev.corral.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.api.v1alpha1.Algorithm;
import dev.corral.api.v1alpha1.BalancePolicySpec;
import dev.corral.api.v1alpha1.PolicyStatus;
import dev.corral.api.v1alpha1.TargetRef;
import dev.corral.controlplane.ControlPlane;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.model.Policy;
import dev.corral.controlplane.model.PolicyKind;
import dev.corral.controlplane.model.Service;
import dev.corral.controlplane.model.ServiceKey;
import dev.corral.controlplane.model.ServicePort;
import dev.corral.controlplane.model.Violation;
import dev.corral.controlplane.xds.AckTracker;
import dev.corral.controlplane.status.Condition;
import dev.corral.operator.watch.ObservedPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DesiredStatusTest {
  private static final ServiceKey IMAGES = ServiceKey.of("shop", "images");
  private static final Service SERVICE = new Service(IMAGES,
      List.of(new ServicePort("http", 80, ServicePort.TargetPort.number(8080), "TCP", null)));
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Policy<BalancePolicySpec> policy(String name, long generation, Instant created) {
    BalancePolicySpec spec = new BalancePolicySpec();
    spec.setTargetRef(new TargetRef().withKind("Service").withName("images"));
    spec.setAlgorithm(Algorithm.LEAST_REQUEST);
    return new Policy<>(PolicyKind.BALANCE, "shop", name, generation, created, IMAGES, spec);
  }

  private static ObservedPolicy observed(Policy<?> p, long generation, List<Violation> violations) {
    return new ObservedPolicy(p.kind(), p.namespace(), p.name(), "uid-" + p.name(), generation, p.creationTimestamp(),
        violations, p, null);
  }

  @Test
  void invalidComesFirstAndNamesTheFieldAndTheGenerationInForce() {
    Policy<BalancePolicySpec> p = policy("images", 1, T0);
    MeshModel model = MeshModel.of(List.of(), List.of(), List.of(p));   // no Service either
    Condition v = DesiredStatus.accepted(observed(p, 2, List.of(new Violation("spec.hashOn", "required for RingHash"))), model);
    assertThat(v).isEqualTo(new Condition("Accepted", "False", "Invalid",
        "spec.hashOn: required for RingHash (generation 1 stays in force)"));
  }

  @Test
  void targetNotFoundThenConflictedThenAccepted() {
    Policy<BalancePolicySpec> old = policy("old", 1, T0);
    Policy<BalancePolicySpec> young = policy("a-young", 1, T0.plusSeconds(5));
    assertThat(DesiredStatus.accepted(observed(old, 1, List.of()), MeshModel.of(List.of(), List.of(), List.of(old))).reason())
        .isEqualTo("TargetNotFound");
    MeshModel both = MeshModel.of(List.of(SERVICE), List.of(), List.of(old, young));
    assertThat(DesiredStatus.accepted(observed(old, 1, List.of()), both).reason()).isEqualTo("Accepted");
    Condition loser = DesiredStatus.accepted(observed(young, 1, List.of()), both);
    assertThat(loser.reason()).isEqualTo("Conflicted");
    assertThat(loser.message()).contains("BalancePolicy shop/old");
  }

  @Test
  void programmedFollowsTheControlPlane() {
    Policy<BalancePolicySpec> p = policy("images", 2, T0);
    ObservedPolicy o = observed(p, 2, List.of());
    MeshModel model = MeshModel.of(List.of(SERVICE), List.of(), List.of(p));
    Condition accepted = DesiredStatus.accepted(o, model);

    MeshModel older = MeshModel.of(List.of(SERVICE), List.of(), List.of(policy("images", 1, T0)));
    assertThat(DesiredStatus.programmed(o, accepted, new ControlPlane.Sync(older, 1, 1, Map.of())).reason())
        .isEqualTo("Pending");
    assertThat(DesiredStatus.programmed(o, accepted, new ControlPlane.Sync(model, 2, 1, Map.of())))
        .isEqualTo(new Condition("Programmed", "False", "Pending", "ACKed by 1 of 2 sidecars"));
    assertThat(DesiredStatus.programmed(o, accepted, new ControlPlane.Sync(model, 2, 2, Map.of())).holds()).isTrue();
    assertThat(DesiredStatus.programmed(o, accepted, new ControlPlane.Sync(model, 0, 0, Map.of())).holds()).isTrue();

    AckTracker.Nack nack = new AckTracker.Nack("v7", "cluster outbound|80||images: bad lb", List.of(), Set.of(o.id()), "now");
    Condition rejected = DesiredStatus.programmed(o, accepted, new ControlPlane.Sync(model, 2, 1, Map.of(o.id(), nack)));
    assertThat(rejected.reason()).isEqualTo("Rejected");
    assertThat(rejected.message()).contains("bad lb");

    Condition notAccepted = new Condition("Accepted", "False", "Conflicted", "…");
    assertThat(DesiredStatus.programmed(o, notAccepted, new ControlPlane.Sync(model, 2, 2, Map.of())).reason())
        .isEqualTo("Pending");
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenTheStatusChanges() {
    Condition acceptedTrue = new Condition("Accepted", "True", "Accepted", "");
    Condition pending = new Condition("Programmed", "False", "Pending", "ACKed by 0 of 1 sidecars");
    PolicyStatus first = DesiredStatus.status(1, List.of(acceptedTrue, pending), null, T0);

    Condition stillPending = new Condition("Programmed", "False", "Pending", "generation 2 is not in the control plane's config yet");
    PolicyStatus second = DesiredStatus.status(2, List.of(acceptedTrue, stillPending), first, T0.plusSeconds(10));
    assertThat(second.getObservedGeneration()).isEqualTo(2);
    assertThat(DesiredStatus.find(second, "Accepted").getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(DesiredStatus.find(second, "Programmed").getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(DesiredStatus.find(second, "Programmed").getObservedGeneration()).isEqualTo(2);

    Condition programmed = new Condition("Programmed", "True", "Programmed", "ACKed by 1 sidecar");
    PolicyStatus third = DesiredStatus.status(2, List.of(acceptedTrue, programmed), second, T0.plusSeconds(20));
    assertThat(DesiredStatus.find(third, "Programmed").getLastTransitionTime()).isEqualTo("2026-01-01T00:00:20Z");
    assertThat(DesiredStatus.same(third, DesiredStatus.status(2, List.of(acceptedTrue, programmed), third, T0.plusSeconds(30))))
        .isTrue();
    assertThat(DesiredStatus.same(second, third)).isFalse();
  }
}
