package dev.corral.operator.status;

import dev.corral.api.v1alpha1.PolicyStatus;
import dev.corral.controlplane.ControlPlane;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.model.Policy;
import dev.corral.controlplane.model.PolicyAttachment;
import dev.corral.controlplane.model.Violation;
import dev.corral.controlplane.xds.AckTracker;
import dev.corral.operator.watch.ObservedPolicy;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The status a policy should have, as a pure function of what the source observed and where the
 * control plane stands with its sidecars (API.md "status"):
 *
 * <ul>
 *   <li>{@code Accepted}: {@code Invalid} (the current generation is refused; the message names the
 *       fields) before {@code TargetNotFound} before {@code Conflicted} (an older policy of the kind
 *       targets the Service; the message names it) before {@code Accepted};
 *   <li>{@code Programmed}, for an accepted policy: {@code Rejected} when a sidecar NACKs a resource
 *       built from it; {@code Pending} until the control plane's model in force holds this
 *       generation and every sidecar connected to this control plane ACKed, for every xDS type, the
 *       versions translated from that model or a later one; then {@code Programmed}. With no
 *       sidecar connected, {@code Programmed} (nothing is waiting for it). A policy that is not
 *       accepted is {@code Programmed=False, reason=Pending}.
 * </ul>
 *
 * <p>{@code lastTransitionTime} moves only when a condition's status changes.
 */
public final class PolicyConditions {
  public static final String ACCEPTED = "Accepted";
  public static final String PROGRAMMED = "Programmed";

  public static final String REASON_ACCEPTED = "Accepted";
  public static final String REASON_INVALID = "Invalid";
  public static final String REASON_CONFLICTED = "Conflicted";
  public static final String REASON_TARGET_NOT_FOUND = "TargetNotFound";
  public static final String REASON_PROGRAMMED = "Programmed";
  public static final String REASON_PENDING = "Pending";
  public static final String REASON_REJECTED = "Rejected";

  private PolicyConditions() {}

  /** One condition without its transition time: what decides whether status must be written. */
  public record Verdict(String type, boolean status, String reason, String message) {}

  /** {@code Accepted}, judged on the source's model (the Services and policies it sees now). */
  public static Verdict accepted(ObservedPolicy p, MeshModel model) {
    if (!p.valid()) {
      String fields = p.violations().stream().map(Violation::toString).collect(Collectors.joining("; "));
      Policy<?> kept = p.inForce();
      String keptNote = kept == null ? "" : " (generation " + kept.generation() + " stays in force)";
      return new Verdict(ACCEPTED, false, REASON_INVALID, fields + keptNote);
    }
    Policy<?> policy = Objects.requireNonNull(p.inForce(), "a valid policy is in force");
    if (model.service(policy.target()).isEmpty()) {
      return new Verdict(ACCEPTED, false, REASON_TARGET_NOT_FOUND, "Service " + policy.target() + " not found");
    }
    Optional<? extends PolicyAttachment<?>> attachment = model.attachment(policy.kind(), policy.target());
    if (attachment.isPresent() && !isPolicy(attachment.get().winner(), p)) {
      Policy<?> winner = attachment.get().winner();
      return new Verdict(ACCEPTED, false, REASON_CONFLICTED, winner.displayName() + " is older and already targets Service "
          + policy.target() + "; only one " + p.kind().kind() + " per Service is in force");
    }
    return new Verdict(ACCEPTED, true, REASON_ACCEPTED, "");
  }

  /** {@code Programmed}, from the control plane's {@link ControlPlane#sync()}. */
  public static Verdict programmed(ObservedPolicy p, Verdict accepted, ControlPlane.Sync sync) {
    if (!accepted.status()) {
      return new Verdict(PROGRAMMED, false, REASON_PENDING, "not programmed: the policy is not accepted ("
          + accepted.reason() + ")");
    }
    AckTracker.Nack nack = sync.rejected().get(p.id());
    if (nack != null) {
      return new Verdict(PROGRAMMED, false, REASON_REJECTED, "a sidecar rejected version " + nack.version()
          + ": " + nack.message());
    }
    Policy<?> policy = Objects.requireNonNull(p.inForce());
    boolean inModel = sync.model().policyFor(policy.kind(), policy.target())
        .filter(w -> isPolicy(w, p) && w.generation() == p.generation()).isPresent();
    if (!inModel) {
      return new Verdict(PROGRAMMED, false, REASON_PENDING, "generation " + p.generation()
          + " is not in the control plane's config yet");
    }
    if (sync.sidecars() == 0) {
      return new Verdict(PROGRAMMED, true, REASON_PROGRAMMED, "in the control plane's config; no sidecar is connected");
    }
    if (sync.current() < sync.sidecars()) {
      return new Verdict(PROGRAMMED, false, REASON_PENDING, "ACKed by " + sync.current() + " of "
          + sync.sidecars() + " connected sidecars");
    }
    return new Verdict(PROGRAMMED, true, REASON_PROGRAMMED, "ACKed by " + sync.sidecars() + " connected sidecar"
        + (sync.sidecars() == 1 ? "" : "s"));
  }

  /**
   * The status to write: {@code observedGeneration} and both conditions, keeping each condition's
   * {@code lastTransitionTime} from {@code current} when its status did not change.
   */
  public static PolicyStatus status(long generation, List<Verdict> verdicts, @Nullable PolicyStatus current,
      Instant now) {
    List<Condition> conditions = new ArrayList<>();
    String nowText = now.truncatedTo(ChronoUnit.SECONDS).toString();
    for (Verdict v : verdicts) {
      String status = v.status() ? "True" : "False";
      Condition previous = find(current, v.type());
      String since = previous != null && status.equals(previous.getStatus()) && previous.getLastTransitionTime() != null
          ? previous.getLastTransitionTime() : nowText;
      conditions.add(new ConditionBuilder().withType(v.type()).withStatus(status).withReason(v.reason())
          .withMessage(v.message()).withObservedGeneration(generation).withLastTransitionTime(since).build());
    }
    return new PolicyStatus().withObservedGeneration(generation).withConditions(conditions);
  }

  /** The condition of {@code type} in {@code status}, if any. */
  public static @Nullable Condition find(@Nullable PolicyStatus status, String type) {
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
      for (Condition c : s.getConditions()) {
        out.add(java.util.Arrays.asList(c.getType(), c.getStatus(), c.getReason(), Objects.toString(c.getMessage(), ""),
            c.getObservedGeneration(), c.getLastTransitionTime()));
      }
    }
    return out;
  }

  private static boolean isPolicy(Policy<?> policy, ObservedPolicy p) {
    return policy.namespace().equals(p.namespace()) && policy.name().equals(p.name());
  }
}
