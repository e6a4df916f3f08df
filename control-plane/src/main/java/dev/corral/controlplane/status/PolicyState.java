package dev.corral.controlplane.status;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * One policy and its two conditions, as {@code GET /api/v1/policies} lists it.
 *
 * @param kind {@code BalancePolicy}, {@code CachePolicy} or {@code CollapsePolicy}
 * @param generation {@code metadata.generation} the conditions describe; 0 when the policy never
 *     made it into the model (it does not parse or validate)
 * @param target the targeted Service's name (in the policy's namespace), null when unknown
 * @param summary the gist of the spec, e.g. {@code LeastRequest, retries 2}; empty when unknown
 */
public record PolicyState(String kind, String namespace, String name, long generation,
    @Nullable String target, String summary, Condition accepted, Condition programmed) {

  public PolicyState {
    requireNonNull(kind, "kind");
    requireNonNull(namespace, "namespace");
    requireNonNull(name, "name");
    requireNonNull(summary, "summary");
    requireNonNull(accepted, "accepted");
    requireNonNull(programmed, "programmed");
  }

  /** {@code namespace/Kind/name}: how NACKs name policies. */
  public String id() {
    return namespace + "/" + kind + "/" + name;
  }

  /** The policy's {@code status}, both conditions stamped with {@code lastTransitionTime}. */
  public dev.corral.api.v1alpha1.PolicyStatus toStatus(String lastTransitionTime) {
    return new dev.corral.api.v1alpha1.PolicyStatus()
        .withObservedGeneration(generation)
        .withConditions(java.util.List.of(
            accepted.toKubernetes(generation, lastTransitionTime),
            programmed.toKubernetes(generation, lastTransitionTime)));
  }
}
