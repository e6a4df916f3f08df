package dev.corral.operator.chart;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One RBAC permission: verbs on a resource of an API group (core = ""), optionally limited to
 * named objects. The operator's {@code dev.corral.operator.Rbac} list maps onto these.
 */
record RbacRule(String apiGroup, String resource, Set<String> verbs, Set<String> resourceNames) {
  RbacRule {
    requireNonNull(apiGroup, "apiGroup");
    requireNonNull(resource, "resource");
    verbs = Set.copyOf(verbs);
    resourceNames = Set.copyOf(resourceNames);
    if (verbs.isEmpty()) {
      throw new IllegalArgumentException("verbs of " + resource + ": empty (expected: at least one)");
    }
  }

  static RbacRule of(String apiGroup, String resource, String... verbs) {
    return new RbacRule(apiGroup, resource, Set.of(verbs), Set.of());
  }

  RbacRule named(String... names) {
    return new RbacRule(apiGroup, resource, verbs, Set.of(names));
  }

  /** One (group, resource, verb, name) grant per combination; name "*" when not limited. */
  List<String> atoms() {
    List<String> atoms = new ArrayList<>();
    Set<String> names = resourceNames.isEmpty() ? Set.of("*") : resourceNames;
    for (String verb : new TreeSet<>(verbs)) {
      for (String name : new TreeSet<>(names)) {
        atoms.add((apiGroup.isEmpty() ? "core" : apiGroup) + "/" + resource + " " + verb + " " + name);
      }
    }
    return atoms;
  }

  /** Splits a Kubernetes PolicyRule (lists of groups, resources, verbs) into RbacRules. */
  static List<RbacRule> from(PolicyRule rule) {
    List<RbacRule> rules = new ArrayList<>();
    List<String> names = rule.getResourceNames() == null ? List.of() : rule.getResourceNames();
    for (String group : rule.getApiGroups()) {
      for (String resource : rule.getResources()) {
        rules.add(new RbacRule(group, resource, Set.copyOf(rule.getVerbs()), Set.copyOf(names)));
      }
    }
    return rules;
  }
}
