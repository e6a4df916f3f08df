package dev.corral.controlplane.xds;

import static java.util.Objects.requireNonNull;

import java.util.Set;
import java.util.function.Function;

/**
 * Names the Corral policies (as {@code namespace/kind/name} or any id the translator chooses)
 * that shaped an xDS resource, so a rejected resource can be traced back to the policies whose
 * status must say {@code Programmed=False, reason=Rejected}.
 */
@FunctionalInterface
public interface PolicyResolver {

  Set<String> policiesOf(XdsType type, String resourceName);

  static PolicyResolver none() {
    return (type, name) -> Set.of();
  }

  /** For translators whose resource names are unique across types. */
  static PolicyResolver byName(Function<String, Set<String>> byName) {
    requireNonNull(byName, "byName");
    return (type, name) -> byName.apply(name);
  }
}
