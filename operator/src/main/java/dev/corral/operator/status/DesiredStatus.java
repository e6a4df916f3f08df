package dev.corral.operator.status;

import dev.corral.api.v1alpha1.PolicyStatus;
import dev.corral.controlplane.ControlPlane;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.model.Policy;
import dev.corral.controlplane.model.Violation;
import dev.corral.operator.watch.ObservedPolicy;
import dev.corral.controlplane.status.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A policy's status as the operator writes it: its two conditions, by the rules the control plane
 * also answers {@code /api/v1/policies} with ({@link dev.corral.controlplane.status.PolicyConditions}),
 * from what the source observed and where the control plane stands with its sidecars; and the
 * Kubernetes status object, whose {@code lastTransitionTime} moves only when a condition's status
 * changes.
 */
public final class DesiredStatus {
  private DesiredStatus() {}

  /** {@code Accepted}, judged on the source's model (the Services and policies it sees now). */
  public static Condition accepted(ObservedPolicy p, MeshModel model) {
    String refusal = p.valid() ? null
        : p.violations().stream().map(Violation::toString).collect(Collectors.joining("; "));
    return dev.corral.controlplane.status.PolicyConditions.accepted(refusal, p.inForce(), model);
  }

  /** {@code Programmed}, from the control plane's {@link ControlPlane#sync()}. */
  public static Condition programmed(ObservedPolicy p, Condition accepted, ControlPlane.Sync sync) {
    Policy<?> policy = p.inForce();
    boolean inModel = policy != null && sync.model().policyFor(policy.kind(), policy.target())
        .filter(w -> w.namespace().equals(p.namespace()) && w.name().equals(p.name())
            && w.generation() == p.generation())
        .isPresent();
    String waiting = inModel ? null : "generation " + p.generation() + " is not in the control plane's config yet";
    return dev.corral.controlplane.status.PolicyConditions.programmed(accepted, sync.translated().contains(p.id()),
        sync.rejected().get(p.id()), new dev.corral.controlplane.status.PolicyConditions.Rollout(
            waiting, sync.sidecars(), sync.current()));
  }

  /**
   * The status to write: {@code observedGeneration} and both conditions, keeping each condition's
   * {@code lastTransitionTime} from {@code current} when its status did not change.
   */
  public static PolicyStatus status(long generation, List<Condition> verdicts, @Nullable PolicyStatus current,
      Instant now) {
    List<io.fabric8.kubernetes.api.model.Condition> conditions = new ArrayList<>();
    String nowText = now.truncatedTo(ChronoUnit.SECONDS).toString();
    for (Condition v : verdicts) {
      var previous = find(current, v.type());
      String since = previous != null && v.status().equals(previous.getStatus()) && previous.getLastTransitionTime() != null
          ? previous.getLastTransitionTime() : nowText;
      conditions.add(v.toKubernetes(generation, since));
    }
    return new PolicyStatus().withObservedGeneration(generation).withConditions(conditions);
  }

  /** The condition of {@code type} in {@code status}, if any. */
  public static io.fabric8.kubernetes.api.model.@Nullable Condition find(@Nullable PolicyStatus status, String type) {
    if (status == null || status.getConditions() == null) {
      return null;
    }
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  /** Whether two statuses say the same, field by field (ignoring fields Corral does not write). */
  public static boolean same(@Nullable PolicyStatus a, @Nullable PolicyStatus b) {
    if (a == null || b == null) {
      return a == b;
    }
    return Objects.equals(a.getObservedGeneration(), b.getObservedGeneration()) && key(a).equals(key(b));
  }

  private static List<List<Object>> key(PolicyStatus s) {
    List<List<Object>> out = new ArrayList<>();
    if (s.getConditions() != null) {
      for (var c : s.getConditions()) {
        out.add(java.util.Arrays.asList(c.getType(), c.getStatus(), c.getReason(), Objects.toString(c.getMessage(), ""),
            c.getObservedGeneration(), c.getLastTransitionTime()));
      }
    }
    return out;
  }
}
