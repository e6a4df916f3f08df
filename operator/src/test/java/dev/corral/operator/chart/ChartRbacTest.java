package dev.corral.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.operator.Rbac;
import dev.corral.operator.chart.Chart.Rendered;
import dev.corral.operator.chart.Chart.Values;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart's ClusterRole grants exactly {@link Rbac}'s cluster-wide rules and its Role exactly the
 * rules limited to the controller's own namespace.
 */
class ChartRbacTest {
  /** {@link Rbac}'s rules of {@code scope}, as RbacRules. */
  static List<RbacRule> operatorNeeds(Rbac.Scope scope) {
    return Rbac.rules(scope).stream()
        .map(r -> new RbacRule(r.apiGroup(), r.resource(), Set.copyOf(r.verbs()), Set.copyOf(r.resourceNames())))
        .toList();
  }

  @Test
  void clusterRoleGrantsExactlyTheClusterWideRules() {
    Rendered r = Chart.render(Values.defaults());
    RbacCoverage coverage = RbacCoverage.compare(granted(r.one(ClusterRole.class).getRules()),
        operatorNeeds(Rbac.Scope.CLUSTER));
    assertThat(coverage.missing()).as("needed but not granted").isEmpty();
    assertThat(coverage.excess()).as("granted but not needed").isEmpty();
  }

  @Test
  void roleGrantsExactlyTheRulesOfTheReleaseNamespace() {
    Rendered r = Chart.render(Values.defaults());
    Role role = r.one(Role.class);
    assertThat(role.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
    RbacCoverage coverage = RbacCoverage.compare(granted(role.getRules()), operatorNeeds(Rbac.Scope.OWN_NAMESPACE));
    assertThat(coverage.missing()).as("needed but not granted").isEmpty();
    assertThat(coverage.excess()).as("granted but not needed").isEmpty();
  }

  @Test
  void leasesAndSecretsAreGrantedOnlyInTheReleaseNamespace() {
    Rendered r = Chart.render(Values.defaults());
    assertThat(r.one(ClusterRole.class).getRules())
        .noneMatch(rule -> rule.getResources().contains("leases") || rule.getResources().contains("secrets"));
    assertThat(operatorNeeds(Rbac.Scope.OWN_NAMESPACE)).extracting(RbacRule::resource)
        .containsExactlyInAnyOrder("leases", "secrets");
  }

  @Test
  void noWildcards() {
    for (PolicyRule rule : rules(Chart.render(Values.defaults())).toList()) {
      assertThat(Stream.of(rule.getApiGroups(), rule.getResources(), rule.getVerbs()).flatMap(List::stream))
          .as("rule %s", rule).doesNotContain("*");
    }
  }

  @Test
  void comparisonReportsAMissingVerbAndAnExtraOne() {
    List<RbacRule> granted = List.of(RbacRule.of("", "pods", "get", "list", "delete"));
    List<RbacRule> needed = List.of(RbacRule.of("", "pods", "get", "list", "watch"));
    RbacCoverage coverage = RbacCoverage.compare(granted, needed);
    assertThat(coverage.missing()).containsExactly("core/pods watch *");
    assertThat(coverage.excess()).containsExactly("core/pods delete *");
    assertThat(coverage.exact()).isFalse();
  }

  @Test
  void aGrantLimitedToOneNameDoesNotCoverEveryName() {
    RbacCoverage coverage = RbacCoverage.compare(
        List.of(RbacRule.of("admissionregistration.k8s.io", "mutatingwebhookconfigurations", "patch").named("other")),
        List.of(RbacRule.of("admissionregistration.k8s.io", "mutatingwebhookconfigurations", "patch")
            .named("corral-sidecar-injector")));
    assertThat(coverage.missing()).containsExactly(
        "admissionregistration.k8s.io/mutatingwebhookconfigurations patch corral-sidecar-injector");
  }

  static List<RbacRule> granted(List<PolicyRule> rules) {
    return rules.stream().flatMap(rule -> RbacRule.from(rule).stream()).toList();
  }

  static Stream<PolicyRule> rules(Rendered r) {
    return Stream.concat(r.one(ClusterRole.class).getRules().stream(), r.one(Role.class).getRules().stream());
  }
}
