package dev.corral.operator.watch;

import static java.util.Objects.requireNonNull;

import dev.corral.api.v1alpha1.PolicyStatus;
import dev.corral.controlplane.model.Policy;
import dev.corral.controlplane.model.PolicyKind;
import dev.corral.controlplane.model.Violation;
import dev.corral.controlplane.translate.Names;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One policy object as the source last saw it, with the verdict on its current generation: what the
 * status reconciler needs to write {@code observedGeneration} and the conditions.
 *
 * @param generation {@code metadata.generation} of the object now
 * @param violations why the current generation is refused (binding or semantic); empty when valid
 * @param inForce the version in the mesh model: this generation when valid, else the last valid one
 *     seen by this process (null when there is none)
 * @param status the status the object carries now (null when it has none or it does not parse)
 */
public record ObservedPolicy(
    PolicyKind<?> kind,
    String namespace,
    String name,
    String uid,
    long generation,
    Instant creationTimestamp,
    List<Violation> violations,
    @Nullable Policy<?> inForce,
    @Nullable PolicyStatus status) {

  public ObservedPolicy {
    requireNonNull(kind, "kind");
    requireNonNull(namespace, "namespace");
    requireNonNull(name, "name");
    requireNonNull(uid, "uid");
    requireNonNull(creationTimestamp, "creationTimestamp");
    violations = List.copyOf(violations);
  }

  public boolean valid() {
    return violations.isEmpty();
  }

  /** {@code namespace/Kind/name}: how the control plane names policies (NACKs, xDS metadata). */
  public String id() {
    return Names.policyId(namespace, kind.kind(), name);
  }

  /** {@code Kind namespace/name}, for messages. */
  public String displayName() {
    return kind.kind() + " " + namespace + "/" + name;
  }
}
