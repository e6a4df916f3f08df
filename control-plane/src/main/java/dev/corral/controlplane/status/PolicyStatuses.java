package dev.corral.controlplane.status;

import static java.util.Objects.requireNonNull;

import dev.corral.api.v1alpha1.BalancePolicySpec;
import dev.corral.api.v1alpha1.CachePolicySpec;
import dev.corral.api.v1alpha1.CollapsePolicySpec;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.model.Policy;
import dev.corral.controlplane.model.PolicyKind;
import dev.corral.controlplane.model.SourceProblem;
import dev.corral.controlplane.translate.PolicyIndex;
import dev.corral.controlplane.xds.AckTracker.Nack;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Computes every policy's {@code Accepted} and {@code Programmed} conditions (API.md) for the
 * control plane's {@code /api/v1/policies} (and corralctl). The operator's status writer has its
 * own computation ({@code dev.corral.operator.status.PolicyConditions}); merging the two is open.
 *
 * <ul>
 *   <li>Accepted: {@code Invalid} when the source reports a problem with the object (its last good
 *       version, if any, stays in force); {@code Conflicted} when an older policy of the same kind
 *       targets the same Service; {@code TargetNotFound} when the Service is not in the model;
 *       else {@code Accepted}.
 *   <li>Programmed: {@code Rejected} when a sidecar NACKed a resource the policy shaped;
 *       {@code Pending} while a change is being published or some connected sidecar has not ACKed
 *       the latest version, when the policy is not in force, or when no xDS resource carries it;
 *       else {@code Programmed}.
 * </ul>
 */
public final class PolicyStatuses {
  public static final String REASON_ACCEPTED = "Accepted";
  public static final String REASON_INVALID = "Invalid";
  public static final String REASON_CONFLICTED = "Conflicted";
  public static final String REASON_TARGET_NOT_FOUND = "TargetNotFound";
  public static final String REASON_PROGRAMMED = "Programmed";
  public static final String REASON_PENDING = "Pending";
  public static final String REASON_REJECTED = "Rejected";

  /** {@code BalancePolicy shop/images}: how sources name objects in problems. */
  private static final Pattern OBJECT = Pattern.compile("(\\w+Policy) ([^/\\s]+)/(\\S+)");

  private PolicyStatuses() {}

  /**
   * Every policy of {@code model}, plus those the source refused outright (named by a problem but
   * absent from the model), sorted by namespace, kind and name.
   */
  public static List<PolicyState> compute(MeshModel model, List<SourceProblem> problems, XdsSync xds) {
    return compute(model, problems, xds, PolicyIndex.of(model).policyIds());
  }

  /**
   * As above, with the ids ({@code namespace/Kind/name}) of the policies the translation carries
   * into xDS: a policy in force but not among them cannot be Programmed (Pending, and the message
   * says so).
   */
  public static List<PolicyState> compute(MeshModel model, List<SourceProblem> problems, XdsSync xds,
      Set<String> translated) {
    requireNonNull(model, "model");
    requireNonNull(translated, "translated");
    requireNonNull(problems, "problems");
    requireNonNull(xds, "xds");
    Map<String, List<SourceProblem>> problemsById = new LinkedHashMap<>();
    for (SourceProblem p : problems) {
      Matcher m = OBJECT.matcher(p.object());
      if (m.matches() && PolicyKind.of(m.group(1)).isPresent()) {
        problemsById.computeIfAbsent(m.group(2) + "/" + m.group(1) + "/" + m.group(3), k -> new ArrayList<>()).add(p);
      }
    }
    Map<String, Policy<?>> winners = new LinkedHashMap<>();
    for (PolicyKind<?> kind : PolicyKind.all()) {
      for (var a : model.attachments(kind)) {
        winners.put(a.service().toString() + "/" + kind.kind(), a.winner());
      }
    }

    List<PolicyState> out = new ArrayList<>();
    for (List<Policy<?>> ofKind : model.policies().values()) {
      for (Policy<?> p : ofKind) {
        String id = p.namespace() + "/" + p.kind().kind() + "/" + p.name();
        Condition accepted = accepted(model, p, winners, problemsById.remove(id));
        boolean inForce = winners.get(p.target() + "/" + p.kind().kind()) == p
            && model.services().containsKey(p.target());
        out.add(new PolicyState(p.kind().kind(), p.namespace(), p.name(), p.generation(),
            p.target().name(), summary(p), accepted, programmed(id, inForce, translated.contains(id), xds)));
      }
    }
    problemsById.forEach((id, list) -> {
      String[] parts = id.split("/", 3);
      out.add(new PolicyState(parts[1], parts[0], parts[2], 0, null, "",
          Condition.isFalse(Condition.ACCEPTED, REASON_INVALID, describe(list)),
          Condition.isFalse(Condition.PROGRAMMED, REASON_PENDING, "not in force: the policy is not accepted")));
    });
    out.sort(Comparator.comparing(PolicyState::namespace).thenComparing(PolicyState::kind)
        .thenComparing(PolicyState::name));
    return out;
  }

  private static Condition accepted(MeshModel model, Policy<?> p, Map<String, Policy<?>> winners,
      List<SourceProblem> problems) {
    if (problems != null) {
      return Condition.isFalse(Condition.ACCEPTED, REASON_INVALID,
          describe(problems) + " (the last good version stays in force)");
    }
    Policy<?> winner = winners.get(p.target() + "/" + p.kind().kind());
    if (winner != null && winner != p) {
      return Condition.isFalse(Condition.ACCEPTED, REASON_CONFLICTED,
          "%s is older and targets the same Service".formatted(winner.displayName()));
    }
    if (!model.services().containsKey(p.target())) {
      return Condition.isFalse(Condition.ACCEPTED, REASON_TARGET_NOT_FOUND,
          "Service %s not found".formatted(p.target()));
    }
    return Condition.isTrue(Condition.ACCEPTED, REASON_ACCEPTED, "");
  }

  private static Condition programmed(String id, boolean inForce, boolean translated, XdsSync xds) {
    if (!inForce) {
      return Condition.isFalse(Condition.PROGRAMMED, REASON_PENDING, "not in force: the policy is not accepted");
    }
    if (!translated) {
      return Condition.isFalse(Condition.PROGRAMMED, REASON_PENDING,
          "no xDS resource carries this policy yet");
    }
    Nack nack = xds.rejectedPolicies().get(id);
    if (nack != null) {
      return Condition.isFalse(Condition.PROGRAMMED, REASON_REJECTED,
          "a sidecar rejected version %s: %s".formatted(nack.version(), nack.message()));
    }
    if (xds.publishing()) {
      return Condition.isFalse(Condition.PROGRAMMED, REASON_PENDING, "a change is being published");
    }
    int behind = xds.behind().size();
    int total = xds.sidecars().size();
    if (behind > 0) {
      return Condition.isFalse(Condition.PROGRAMMED, REASON_PENDING,
          "%d of %d sidecars have not ACKed the latest version".formatted(behind, total));
    }
    return Condition.isTrue(Condition.PROGRAMMED, REASON_PROGRAMMED,
        total == 0 ? "no sidecar is connected" : "ACKed by %d sidecar%s".formatted(total, total == 1 ? "" : "s"));
  }

  private static String describe(List<SourceProblem> problems) {
    SourceProblem first = problems.get(0);
    String where = first.source() + (first.line() > 0 ? ":" + first.line() : "");
    String what = (first.field().isEmpty() ? "" : first.field() + ": ") + first.message();
    return where + ": " + what + (problems.size() > 1 ? " (and %d more)".formatted(problems.size() - 1) : "");
  }

  /** The gist of a spec, for a one-line listing. */
  static String summary(Policy<?> p) {
    Object spec = p.spec();
    List<String> parts = new ArrayList<>();
    if (spec instanceof BalancePolicySpec b) {
      parts.add(Optional.ofNullable(b.getAlgorithm()).map(Object::toString).orElse("RoundRobin"));
      if (b.getHashOn() != null) {
        BalancePolicySpec.HashOn h = b.getHashOn();
        parts.add("hash on " + (h.getHeader() != null ? "header " + h.getHeader()
            : h.getCookie() != null ? "cookie " + h.getCookie().getName()
            : Boolean.TRUE.equals(h.getSourceIP()) ? "source IP" : "path"));
      }
      if (b.getRetries() != null && b.getRetries().getAttempts() != null) {
        parts.add("retries " + b.getRetries().getAttempts());
      }
      if (b.getTimeouts() != null && b.getTimeouts().getRequest() != null) {
        parts.add("timeout " + b.getTimeouts().getRequest());
      }
      if (b.getOutlierDetection() != null) {
        parts.add("outlier detection");
      }
    } else if (spec instanceof CachePolicySpec c) {
      if (c.getPlacement() != null) {
        parts.add(c.getPlacement() + " placement");
      }
      if (c.getMaxSize() != null) {
        parts.add("max " + c.getMaxSize());
      }
    } else if (spec instanceof CollapsePolicySpec c) {
      if (c.getPlacement() != null) {
        parts.add(c.getPlacement() + " placement");
      }
      if (c.getMethods() != null && !c.getMethods().isEmpty()) {
        parts.add(String.join(",", c.getMethods()));
      }
      if (c.getRanges() != null && Boolean.TRUE.equals(c.getRanges().getEnabled())) {
        parts.add("ranges");
      }
    }
    return String.join(", ", parts);
  }
}
