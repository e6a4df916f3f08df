package dev.corral.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.operator.chart.Chart.Rendered;
import dev.corral.operator.chart.Chart.Values;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart's ClusterRole and Role grant exactly the API calls the operator makes. */
class ChartRbacTest {
  /**
   * What the operator calls. TODO(merge): replace with the rules listed by
   * {@code dev.corral.operator.Rbac}, mapped to {@link RbacRule}s.
   */
  static final List<RbacRule> OPERATOR_NEEDS = List.of(
      RbacRule.of("", "services", "get", "list", "watch"),
      RbacRule.of("", "pods", "get", "list", "watch"),
      RbacRule.of("", "namespaces", "get", "list", "watch"),
      RbacRule.of("discovery.k8s.io", "endpointslices", "get", "list", "watch"),
      RbacRule.of("corral.dev", "balancepolicies", "get", "list", "watch"),
      RbacRule.of("corral.dev", "cachepolicies", "get", "list", "watch"),
      RbacRule.of("corral.dev", "collapsepolicies", "get", "list", "watch"),
      RbacRule.of("corral.dev", "balancepolicies/status", "get", "patch", "update"),
      RbacRule.of("corral.dev", "cachepolicies/status", "get", "patch", "update"),
      RbacRule.of("corral.dev", "collapsepolicies/status", "get", "patch", "update"),
      RbacRule.of("", "events", "create", "patch"),
      RbacRule.of("events.k8s.io", "events", "create", "patch"),
      RbacRule.of("coordination.k8s.io", "leases", "get", "create", "update"),
      RbacRule.of("admissionregistration.k8s.io", "mutatingwebhookconfigurations", "get", "patch")
          .named("corral-sidecar-injector"),
      RbacRule.of("apiextensions.k8s.io", "customresourcedefinitions", "get", "list"));

  @Test
  void grantsExactlyWhatTheOperatorCalls() {
    RbacCoverage coverage = RbacCoverage.compare(granted(Chart.render(Values.defaults())), OPERATOR_NEEDS);
    assertThat(coverage.missing()).as("needed but not granted").isEmpty();
    assertThat(coverage.excess()).as("granted but not needed").isEmpty();
  }

  @Test
  void leasesAreGrantedOnlyInTheReleaseNamespace() {
    Rendered r = Chart.render(Values.defaults());
    assertThat(r.one(ClusterRole.class).getRules()).noneMatch(rule -> rule.getResources().contains("leases"));
    Role role = r.one(Role.class);
    assertThat(role.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
    assertThat(role.getRules()).allMatch(rule -> rule.getResources().equals(List.of("leases")));
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

  static List<RbacRule> granted(Rendered r) {
    return rules(r).flatMap(rule -> RbacRule.from(rule).stream()).toList();
  }

  static Stream<PolicyRule> rules(Rendered r) {
    return Stream.concat(r.one(ClusterRole.class).getRules().stream(), r.one(Role.class).getRules().stream());
  }
}
