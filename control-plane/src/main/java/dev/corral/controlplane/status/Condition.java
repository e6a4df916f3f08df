package dev.corral.controlplane.status;

import static java.util.Objects.requireNonNull;

/**
 * One status condition, Kubernetes style, without the transition time (whoever stores the
 * condition stamps it when {@code status} changes).
 *
 * @param type {@code Accepted} or {@code Programmed}
 * @param status {@code True} or {@code False}
 * @param reason CamelCase, from API.md: Accepted | Invalid | Conflicted | TargetNotFound, and
 *     Programmed | Pending | Rejected
 * @param message for people; empty when there is nothing to add
 */
public record Condition(String type, String status, String reason, String message) {
  public static final String ACCEPTED = "Accepted";
  public static final String PROGRAMMED = "Programmed";

  public Condition {
    requireNonNull(type, "type");
    requireNonNull(status, "status");
    requireNonNull(reason, "reason");
    requireNonNull(message, "message");
    if (!status.equals("True") && !status.equals("False")) {
      throw new IllegalArgumentException("status: " + status + " (expected: True or False)");
    }
  }

  static Condition isTrue(String type, String reason, String message) {
    return new Condition(type, "True", reason, message);
  }

  static Condition isFalse(String type, String reason, String message) {
    return new Condition(type, "False", reason, message);
  }

  public boolean holds() {
    return status.equals("True");
  }

  /** The fabric8 condition for a policy's status, stamped with {@code lastTransitionTime}. */
  public io.fabric8.kubernetes.api.model.Condition toKubernetes(long observedGeneration, String lastTransitionTime) {
    return new io.fabric8.kubernetes.api.model.ConditionBuilder()
        .withType(type).withStatus(status).withReason(reason).withMessage(message)
        .withObservedGeneration(observedGeneration).withLastTransitionTime(lastTransitionTime)
        .build();
  }
}
