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
 * Every policy's {@code Accepted} and {@code Programmed} conditions (API.md) for the control
 * plane's {@code /api/v1/policies} (and corralctl): what the model source reported and where the
 * sidecars stand, put through the rules of {@link PolicyConditions}, which the operator's status
 * writer uses too.
 */
public final class PolicyStatuses {
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
    int sidecars = xds.sidecars().size();
    PolicyConditions.Rollout rollout = new PolicyConditions.Rollout(
        xds.publishing() ? "a change is being published" : null, sidecars, sidecars - xds.behind().size());
    List<PolicyState> out = new ArrayList<>();
    for (List<Policy<?>> ofKind : model.policies().values()) {
      for (Policy<?> p : ofKind) {
        String id = p.namespace() + "/" + p.kind().kind() + "/" + p.name();
        List<SourceProblem> refused = problemsById.remove(id);
        Condition accepted = PolicyConditions.accepted(refused == null ? null : describe(refused), p, model);
        Condition programmed = PolicyConditions.programmed(accepted, translated.contains(id),
            xds.rejectedPolicies().get(id), rollout);
        out.add(new PolicyState(p.kind().kind(), p.namespace(), p.name(), p.generation(),
            p.target().name(), summary(p), accepted, programmed));
      }
    }
    problemsById.forEach((id, list) -> {
      String[] parts = id.split("/", 3);
      Condition accepted = PolicyConditions.accepted(describe(list), null, model);
      out.add(new PolicyState(parts[1], parts[0], parts[2], 0, null, "", accepted,
          PolicyConditions.programmed(accepted, false, null, rollout)));
    });
    out.sort(Comparator.comparing(PolicyState::namespace).thenComparing(PolicyState::kind)
        .thenComparing(PolicyState::name));
    return out;
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
