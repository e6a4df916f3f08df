package dev.corral.controlplane.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.api.v1alpha1.BalancePolicySpec;
import dev.corral.api.v1alpha1.CachePolicySpec;
import dev.corral.api.v1alpha1.TargetRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeshModelTest {
  static final ServiceKey IMAGES = ServiceKey.of("shop", "images");
  static final ServiceKey FRONTEND = ServiceKey.of("shop", "frontend");

  static Service service(ServiceKey key) {
    return new Service(key, List.of(new ServicePort("http", 8080, ServicePort.TargetPort.number(8080), "TCP", "http")));
  }

  static Policy<BalancePolicySpec> balance(String name, String created, ServiceKey target) {
    return new Policy<>(PolicyKind.BALANCE, target.namespace(), name, 1, Instant.parse(created), target,
        new BalancePolicySpec().withTargetRef(new TargetRef().withKind("Service").withName(target.name())));
  }

  @Test
  void emptyModelHasNothing() {
    MeshModel empty = MeshModel.empty();
    assertThat(empty.services()).isEmpty();
    assertThat(empty.endpointsOf(IMAGES).endpoints()).isEmpty();
    assertThat(empty.policies(PolicyKind.CACHE)).isEmpty();
    assertThat(empty.policyFor(PolicyKind.BALANCE, IMAGES)).isEmpty();
    assertThat(empty).isEqualTo(MeshModel.of(List.of(), List.of(), List.of()));
  }

  @Test
  void oldestPolicyWinsAConflictAndTheOthersAreExposed() {
    var newer = balance("newer", "2025-03-01T00:00:00Z", IMAGES);
    var oldest = balance("oldest", "2025-01-01T00:00:00Z", IMAGES);
    var middle = balance("middle", "2025-02-01T00:00:00Z", IMAGES);
    var other = balance("frontend", "2024-01-01T00:00:00Z", FRONTEND);
    MeshModel model = MeshModel.of(List.of(service(IMAGES), service(FRONTEND)), List.of(), List.of(newer, oldest, other, middle));

    assertThat(model.policyFor(PolicyKind.BALANCE, IMAGES)).contains(oldest);
    PolicyAttachment<BalancePolicySpec> a = model.attachment(PolicyKind.BALANCE, IMAGES).orElseThrow();
    assertThat(a.conflicted()).containsExactly(middle, newer);
    assertThat(model.conflicted()).containsExactly(middle, newer);
    assertThat(model.policyFor(PolicyKind.BALANCE, FRONTEND)).contains(other);
    assertThat(model.policyFor(PolicyKind.CACHE, IMAGES)).isEmpty();
    assertThat(model.attachments(PolicyKind.BALANCE)).extracting(PolicyAttachment::service).containsExactly(FRONTEND, IMAGES);
  }

  @Test
  void sameAgeConflictsAreBrokenByName() {
    var b = balance("b", "2025-01-01T00:00:00Z", IMAGES);
    var a = balance("a", "2025-01-01T00:00:00Z", IMAGES);
    assertThat(MeshModel.of(List.of(), List.of(), List.of(b, a)).policyFor(PolicyKind.BALANCE, IMAGES)).contains(a);
  }

  @Test
  void policiesOfDifferentKindsDoNotConflict() {
    var cache = new Policy<>(PolicyKind.CACHE, "shop", "images", 1, Instant.EPOCH, IMAGES,
        new CachePolicySpec().withTargetRef(new TargetRef().withKind("Service").withName("images")));
    var balance = balance("images", "2025-01-01T00:00:00Z", IMAGES);
    MeshModel model = MeshModel.of(List.of(service(IMAGES)), List.of(), List.of(cache, balance));
    assertThat(model.policyFor(PolicyKind.CACHE, IMAGES)).contains(cache);
    assertThat(model.policyFor(PolicyKind.BALANCE, IMAGES)).contains(balance);
    assertThat(model.conflicted()).isEmpty();
  }

  @Test
  void reportsPoliciesWhoseTargetIsMissing() {
    var orphan = balance("orphan", "2025-01-01T00:00:00Z", ServiceKey.of("shop", "gone"));
    assertThat(MeshModel.of(List.of(service(IMAGES)), List.of(), List.of(orphan)).targetNotFound()).containsExactly(orphan);
  }

  @Test
  void refusesDuplicates() {
    assertThatThrownBy(() -> MeshModel.of(List.of(service(IMAGES), service(IMAGES)), List.of(), List.of()))
        .hasMessage("services: duplicate shop/images");
    var p = balance("x", "2025-01-01T00:00:00Z", IMAGES);
    assertThatThrownBy(() -> MeshModel.of(List.of(), List.of(), List.of(p, balance("x", "2025-01-02T00:00:00Z", FRONTEND))))
        .hasMessage("policies: duplicate BalancePolicy shop/x");
  }

  @Test
  void modelsWithTheSameContentAreEqual() {
    var endpoints = new ServiceEndpoints(IMAGES, List.of(new Endpoint("127.0.0.1", Map.of("http", 18081), null, true, true, false, null)));
    MeshModel a = MeshModel.of(List.of(service(IMAGES), service(FRONTEND)), List.of(endpoints), List.of());
    MeshModel b = MeshModel.of(List.of(service(FRONTEND), service(IMAGES)), List.of(endpoints), List.of());
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.services().keySet()).containsExactly(FRONTEND, IMAGES);
  }
}
