package dev.corral.controlplane.status;

import static java.util.Objects.requireNonNull;

import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.model.Policy;
import dev.corral.controlplane.model.PolicyAttachment;
import dev.corral.controlplane.xds.AckTracker.Nack;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The rules of a policy's two conditions (API.md "status"), in one place for both readers: the
 * control plane's {@code /api/v1/policies} (corralctl, local mode) and the operator's status
 * writer. Each adapts what it observed to the inputs below, so both say the same thing, with the
 * same reasons and messages, about the same policy.
 *
 * <ul>
 *   <li>{@code Accepted}: {@code Invalid} (the current generation is refused; the message names the
 *       fields) before {@code TargetNotFound} before {@code Conflicted} (an older policy of the kind
 *       targets the Service; the message names it) before {@code Accepted}.
 *   <li>{@code Programmed}: {@code Pending} for a policy not accepted; {@code Rejected} when a
 *       sidecar NACKed a resource the policy shaped; {@code Pending} while the change is on its way
 *       (not in the config yet, being published, carried by no xDS resource, or not ACKed by every
 *       connected sidecar); else {@code Programmed}. With no sidecar connected it is
 *       {@code Programmed}: nothing is waiting for it.
 * </ul>
 */
public final class PolicyConditions {
  public static final String REASON_ACCEPTED = "Accepted";
  public static final String REASON_INVALID = "Invalid";
  public static final String REASON_CONFLICTED = "Conflicted";
  public static final String REASON_TARGET_NOT_FOUND = "TargetNotFound";
  public static final String REASON_PROGRAMMED = "Programmed";
  public static final String REASON_PENDING = "Pending";
  public static final String REASON_REJECTED = "Rejected";

  private PolicyConditions() {}

  /**
   * Where the change stands with the sidecars.
   *
   * @param waiting why the policy's current generation has not reached the sidecars yet (e.g. the
   *     change waits out the publisher's coalescing window), or null when it has been sent
   * @param sidecars connected sidecars
   * @param current those of them that ACKed the latest version of every type they use
   */
  public record Rollout(@Nullable String waiting, int sidecars, int current) {
    public Rollout {
      if (sidecars < 0 || current < 0 || current > sidecars) {
        throw new IllegalArgumentException("current %d of %d sidecars".formatted(current, sidecars));
      }
    }
  }

  /**
   * {@code Accepted}.
   *
   * @param refusal why the current generation is refused (the fields and what is wrong with them),
   *     or null when it is valid
   * @param inForce the version in the model: the current one when valid, else the last good one
   *     (null when there is none); required when {@code refusal} is null
   */
  public static Condition accepted(@Nullable String refusal, @Nullable Policy<?> inForce, MeshModel model) {
    requireNonNull(model, "model");
    if (refusal != null) {
      String kept = inForce == null ? "" : " (generation " + inForce.generation() + " stays in force)";
      return Condition.isFalse(Condition.ACCEPTED, REASON_INVALID, refusal + kept);
    }
    Policy<?> policy = requireNonNull(inForce, "a valid policy is in force");
    if (model.service(policy.target()).isEmpty()) {
      return Condition.isFalse(Condition.ACCEPTED, REASON_TARGET_NOT_FOUND,
          "Service " + policy.target() + " not found");
    }
    Optional<? extends PolicyAttachment<?>> attachment = model.attachment(policy.kind(), policy.target());
    if (attachment.isPresent() && !samePolicy(attachment.get().winner(), policy)) {
      return Condition.isFalse(Condition.ACCEPTED, REASON_CONFLICTED, attachment.get().winner().displayName()
          + " is older and already targets Service " + policy.target() + "; only one " + policy.kind().kind()
          + " per Service is in force");
    }
    return Condition.isTrue(Condition.ACCEPTED, REASON_ACCEPTED, "");
  }

  /**
   * {@code Programmed}.
   *
   * @param translated whether some xDS resource carries the policy
   * @param nack the NACK that names the policy, if a sidecar rejects it
   */
  public static Condition programmed(Condition accepted, boolean translated, @Nullable Nack nack, Rollout rollout) {
    requireNonNull(accepted, "accepted");
    requireNonNull(rollout, "rollout");
    if (!accepted.holds()) {
      return Condition.isFalse(Condition.PROGRAMMED, REASON_PENDING,
          "not programmed: the policy is not accepted (" + accepted.reason() + ")");
    }
    if (nack != null) {
      return Condition.isFalse(Condition.PROGRAMMED, REASON_REJECTED,
          "a sidecar rejected version %s: %s".formatted(nack.version(), nack.message()));
    }
    if (rollout.waiting() != null) {
      return Condition.isFalse(Condition.PROGRAMMED, REASON_PENDING, rollout.waiting());
    }
    if (!translated) {
      return Condition.isFalse(Condition.PROGRAMMED, REASON_PENDING, "no xDS resource carries this policy yet");
    }
    if (rollout.sidecars() == 0) {
      return Condition.isTrue(Condition.PROGRAMMED, REASON_PROGRAMMED,
          "in the control plane's config; no sidecar is connected");
    }
    if (rollout.current() < rollout.sidecars()) {
      return Condition.isFalse(Condition.PROGRAMMED, REASON_PENDING,
          "ACKed by %d of %d sidecars".formatted(rollout.current(), rollout.sidecars()));
    }
    return Condition.isTrue(Condition.PROGRAMMED, REASON_PROGRAMMED,
        "ACKed by %d sidecar%s".formatted(rollout.sidecars(), rollout.sidecars() == 1 ? "" : "s"));
  }

  private static boolean samePolicy(Policy<?> a, Policy<?> b) {
    return a.kind() == b.kind() && a.namespace().equals(b.namespace()) && a.name().equals(b.name());
  }
}
