package dev.corral.controlplane.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.api.v1alpha1.BalancePolicySpec;
import dev.corral.api.v1alpha1.TargetRef;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.model.Policy;
import dev.corral.controlplane.model.PolicyKind;
import dev.corral.controlplane.model.Service;
import dev.corral.controlplane.model.ServiceKey;
import dev.corral.controlplane.model.ServicePort;
import dev.corral.controlplane.model.SourceProblem;
import dev.corral.controlplane.xds.AckTracker.Nack;
import dev.corral.controlplane.xds.AckTracker.SidecarStatus;
import dev.corral.controlplane.xds.AckTracker.TypeStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyStatusesTest {
  private static final ServiceKey IMAGES = ServiceKey.of("shop", "images");
  private static final Map<String, String> LATEST = Map.of("CDS", "c2", "RDS", "r1");

  private static Policy<BalancePolicySpec> balance(String name, String created, ServiceKey target) {
    return new Policy<>(PolicyKind.BALANCE, target.namespace(), name, 3, Instant.parse(created), target,
        new BalancePolicySpec().withTargetRef(new TargetRef().withKind("Service").withName(target.name())));
  }

  private static MeshModel model(Policy<?>... policies) {
    Service images = new Service(IMAGES, List.of(new ServicePort("http", 8080, ServicePort.TargetPort.number(8080), "TCP", "http")));
    return MeshModel.of(List.of(images), List.of(), List.of(policies));
  }

  private static SidecarStatus sidecar(String node, String ackedCds) {
    return new SidecarStatus(1, node, "shop/frontend", "2026-01-01T00:00:00Z", null,
        Map.of("CDS", new TypeStatus("c2", ackedCds, null, null), "RDS", new TypeStatus("r1", "r1", null, null)));
  }

  private static XdsSync xds(List<SidecarStatus> sidecars, Map<String, Nack> rejected) {
    return XdsSync.of(sidecars, rejected, group -> LATEST, false);
  }

  private static PolicyState only(List<PolicyState> states, String name) {
    return states.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aPolicyAckedByEveryConnectedSidecarIsAcceptedAndProgrammed() {
    List<PolicyState> states = PolicyStatuses.compute(model(balance("images", "2026-01-01T00:00:00Z", IMAGES)),
        List.of(), xds(List.of(sidecar("a.shop", "c2"), sidecar("b.shop", "c2")), Map.of()));
    PolicyState s = only(states, "images");
    assertThat(s.accepted()).isEqualTo(new Condition("Accepted", "True", "Accepted", ""));
    assertThat(s.programmed()).isEqualTo(new Condition("Programmed", "True", "Programmed", "ACKed by 2 sidecars"));
    assertThat(s.target()).isEqualTo("images");
    assertThat(s.summary()).isEqualTo("RoundRobin");
    assertThat(s.toStatus("2026-01-01T00:00:00Z").getConditions()).hasSize(2)
        .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(3L));
  }

  @Test
  void programmedIsPendingUntilEverySidecarAckedTheLatestVersion() {
    List<PolicyState> states = PolicyStatuses.compute(model(balance("images", "2026-01-01T00:00:00Z", IMAGES)),
        List.of(), xds(List.of(sidecar("a.shop", "c2"), sidecar("b.shop", "c1")), Map.of()));
    assertThat(only(states, "images").programmed())
        .isEqualTo(new Condition("Programmed", "False", "Pending", "ACKed by 1 of 2 sidecars"));
    List<PolicyState> publishing = PolicyStatuses.compute(model(balance("images", "2026-01-01T00:00:00Z", IMAGES)),
        List.of(), XdsSync.of(List.of(), Map.of(), group -> LATEST, true));
    assertThat(only(publishing, "images").programmed())
        .isEqualTo(new Condition("Programmed", "False", "Pending", "a change is being published"));
  }

  @Test
  void aNackNamingThePolicyMakesItRejectedWithTheSidecarsMessage() {
    Nack nack = new Nack("c2", "cluster \"outbound|8080||images\": bad", List.of(), Set.of("shop/BalancePolicy/images"), "t");
    List<PolicyState> states = PolicyStatuses.compute(model(balance("images", "2026-01-01T00:00:00Z", IMAGES)),
        List.of(), xds(List.of(sidecar("a.shop", "c1")), Map.of("shop/BalancePolicy/images", nack)));
    Condition programmed = only(states, "images").programmed();
    assertThat(programmed.reason()).isEqualTo("Rejected");
    assertThat(programmed.message()).contains("version c2", "cluster \"outbound|8080||images\": bad");
  }

  @Test
  void aCachePolicyIsCarriedByTheListenersAndProgrammedOnceAcked() {
    var cache = new Policy<>(PolicyKind.CACHE, "shop", "images", 1, Instant.parse("2026-01-01T00:00:00Z"), IMAGES,
        new dev.corral.api.v1alpha1.CachePolicySpec().withTargetRef(new TargetRef().withKind("Service").withName("images")));
    List<PolicyState> states = PolicyStatuses.compute(model(cache), List.of(),
        xds(List.of(sidecar("a.shop", "c2")), Map.of()));
    PolicyState s = only(states, "images");
    assertThat(s.accepted().holds()).isTrue();
    assertThat(s.programmed()).isEqualTo(new Condition("Programmed", "True", "Programmed", "ACKed by 1 sidecar"));
  }

  @Test
  void theOldestWinsAConflictAndTheOtherIsNotAccepted() {
    List<PolicyState> states = PolicyStatuses.compute(model(
        balance("newer", "2026-02-01T00:00:00Z", IMAGES), balance("older", "2026-01-01T00:00:00Z", IMAGES)),
        List.of(), xds(List.of(), Map.of()));
    assertThat(only(states, "older").accepted().holds()).isTrue();
    PolicyState newer = only(states, "newer");
    assertThat(newer.accepted()).isEqualTo(new Condition("Accepted", "False", "Conflicted",
        "BalancePolicy shop/older is older and already targets Service shop/images; only one BalancePolicy per Service is in force"));
    assertThat(newer.programmed().holds()).isFalse();
  }

  @Test
  void aMissingTargetAndAnInvalidManifestAreNotAccepted() {
    List<PolicyState> states = PolicyStatuses.compute(
        model(balance("orphan", "2026-01-01T00:00:00Z", ServiceKey.of("shop", "nowhere"))),
        List.of(new SourceProblem("shop/broken.yaml", "BalancePolicy shop/broken", 7, "spec.hashOn", "required for RingHash"),
            new SourceProblem("shop/other.yaml", "", 1, "", "not valid YAML")),
        xds(List.of(), Map.of()));
    assertThat(states).extracting(PolicyState::name).containsExactly("broken", "orphan");
    assertThat(only(states, "orphan").accepted().reason()).isEqualTo("TargetNotFound");
    PolicyState broken = only(states, "broken");
    assertThat(broken.kind()).isEqualTo("BalancePolicy");
    assertThat(broken.accepted()).isEqualTo(new Condition("Accepted", "False", "Invalid",
        "shop/broken.yaml:7: spec.hashOn: required for RingHash"));
    assertThat(broken.target()).isNull();
  }

  @Test
  void aPolicyNoResourceCarriesIsPendingAndAnInvalidEditKeepsTheLastGoodGeneration() {
    Policy<BalancePolicySpec> images = balance("images", "2026-01-01T00:00:00Z", IMAGES);
    List<PolicyState> untranslated = PolicyStatuses.compute(model(images), List.of(),
        xds(List.of(sidecar("a.shop", "c2")), Map.of()), Set.of());
    assertThat(only(untranslated, "images").programmed())
        .isEqualTo(new Condition("Programmed", "False", "Pending", "no xDS resource carries this policy yet"));
    List<PolicyState> edited = PolicyStatuses.compute(model(images),
        List.of(new SourceProblem("shop/images.yaml", "BalancePolicy shop/images", 4, "spec.algorithm", "unknown: Fastest")),
        xds(List.of(sidecar("a.shop", "c2")), Map.of()));
    assertThat(only(edited, "images").accepted()).isEqualTo(new Condition("Accepted", "False", "Invalid",
        "shop/images.yaml:4: spec.algorithm: unknown: Fastest (generation 3 stays in force)"));
    assertThat(only(edited, "images").programmed())
        .isEqualTo(new Condition("Programmed", "False", "Pending", "not programmed: the policy is not accepted (Invalid)"));
  }
}
