package dev.corral.controlplane.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Comparator;

/**
 * One Corral policy as the mesh sees it: identity, the Service it attaches to and its spec.
 *
 * <p>The spec is the API model's bean; treat it as read-only (sources hand out their own copy).
 *
 * @param generation {@code metadata.generation}, what status reports as observedGeneration
 * @param creationTimestamp orders conflicting policies: the oldest wins
 * @param target the Service in the policy's namespace named by {@code spec.targetRef}
 */
public record Policy<S>(
    PolicyKind<S> kind,
    String namespace,
    String name,
    long generation,
    Instant creationTimestamp,
    ServiceKey target,
    S spec) {

  /**
   * Conflict order: oldest first, then by namespace/name (the Gateway API policy-attachment rule),
   * so that the winner is the same whatever order policies arrived in.
   */
  public static final Comparator<Policy<?>> PRECEDENCE = Comparator
      .comparing((Policy<?> p) -> p.creationTimestamp())
      .thenComparing(Policy::namespace)
      .thenComparing(Policy::name);

  public Policy {
    requireNonNull(kind, "kind");
    requireNonNull(namespace, "namespace");
    requireNonNull(name, "name");
    requireNonNull(creationTimestamp, "creationTimestamp");
    requireNonNull(target, "target");
    requireNonNull(spec, "spec");
    kind.cast(spec);
  }

  /** {@code Kind namespace/name}, for messages. */
  public String displayName() {
    return kind.kind() + " " + namespace + "/" + name;
  }
}
