package dev.corral.operator.chart;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares what the chart grants with what the operator needs: every needed call granted
 * (missing is empty) and nothing more (excess is empty). Wildcards are never granted by the chart,
 * so the comparison is exact set arithmetic over (group, resource, verb, name) atoms.
 */
record RbacCoverage(Set<String> missing, Set<String> excess) {
  RbacCoverage {
    missing = Set.copyOf(missing);
    excess = Set.copyOf(excess);
  }

  static RbacCoverage compare(List<RbacRule> granted, List<RbacRule> needed) {
    Set<String> grantedAtoms = atoms(granted);
    Set<String> neededAtoms = atoms(needed);
    Set<String> missing = new TreeSet<>(neededAtoms);
    missing.removeAll(grantedAtoms);
    Set<String> excess = new TreeSet<>(grantedAtoms);
    excess.removeAll(neededAtoms);
    return new RbacCoverage(missing, excess);
  }

  boolean exact() {
    return missing.isEmpty() && excess.isEmpty();
  }

  private static Set<String> atoms(List<RbacRule> rules) {
    Set<String> atoms = new TreeSet<>();
    rules.forEach(r -> atoms.addAll(r.atoms()));
    return atoms;
  }
}
