package dev.corral.operator;

import static java.util.Objects.requireNonNull;

import dev.corral.api.v1alpha1.BalancePolicy;
import dev.corral.api.v1alpha1.CachePolicy;
import dev.corral.api.v1alpha1.CollapsePolicy;
import java.util.List;

/**
 * Every Kubernetes API permission the controller needs, one rule per (API group, resource), each
 * with the reason and the part that makes the calls. The Helm chart's ClusterRole is generated from
 * (and checked against) this list; {@code RbacTest} runs the controller's scenarios on the mock API
 * server and checks that every request it made is covered here and that every rule here was used.
 */
public final class Rbac {
  private Rbac() {}

  /** The part of the controller that makes a rule's calls. */
  public enum User {
    /** {@link dev.corral.operator.watch.KubernetesModelSource}: informers (list + watch). */
    MODEL_SOURCE,
    /** {@link dev.corral.operator.status.PolicyStatusReconciler}: status patches and events. */
    POLICY_STATUS,
    /** {@link dev.corral.operator.leader.LeaderElection}: the Lease. */
    LEADER_ELECTION,
    /** The sidecar injection webhook ({@code dev.corral.operator.inject}): its caBundle. */
    INJECTION_WEBHOOK
  }

  /**
   * One permission.
   *
   * @param apiGroup {@code ""} for the core group
   * @param resource plural resource name, {@code resource/subresource} for a subresource
   * @param verbs Kubernetes verbs (get, list, watch, create, update, patch, delete)
   */
  public record Rule(String apiGroup, String resource, List<String> verbs, User user, String reason) {
    public Rule {
      requireNonNull(apiGroup, "apiGroup");
      requireNonNull(resource, "resource");
      verbs = List.copyOf(verbs);
      requireNonNull(user, "user");
      requireNonNull(reason, "reason");
    }

    public boolean allows(String group, String resource, String verb) {
      return apiGroup.equals(group) && this.resource.equals(resource) && verbs.contains(verb);
    }
  }

  private static final String CORRAL = BalancePolicy.GROUP;
  private static final List<String> WATCH = List.of("list", "watch");
  /** fabric8 reads a policy before it patches its status subresource. */
  private static final List<String> POLICY = List.of("get", "list", "watch");

  /** The controller's permissions, cluster-wide. */
  public static final List<Rule> RULES = List.of(
      new Rule("", "services", WATCH, User.MODEL_SOURCE, "Services and their ports make the mesh's clusters"),
      new Rule("discovery.k8s.io", "endpointslices", WATCH, User.MODEL_SOURCE,
          "endpoints (address, zone, ready/serving/terminating) of each Service"),
      new Rule("", "pods", WATCH, User.MODEL_SOURCE, "which pods carry the sidecar (meshed) and which should"),
      new Rule("", "namespaces", WATCH, User.MODEL_SOURCE, "the corral.dev/inject=enabled namespace label"),
      new Rule(CORRAL, BalancePolicy.PLURAL, POLICY, User.MODEL_SOURCE,
          "BalancePolicies feed the mesh model (get: the client reads one before patching its status)"),
      new Rule(CORRAL, CachePolicy.PLURAL, POLICY, User.MODEL_SOURCE,
          "CachePolicies feed the mesh model (get: the client reads one before patching its status)"),
      new Rule(CORRAL, CollapsePolicy.PLURAL, POLICY, User.MODEL_SOURCE,
          "CollapsePolicies feed the mesh model (get: the client reads one before patching its status)"),
      new Rule(CORRAL, BalancePolicy.PLURAL + "/status", List.of("patch"), User.POLICY_STATUS,
          "the leader writes observedGeneration and the Accepted/Programmed conditions"),
      new Rule(CORRAL, CachePolicy.PLURAL + "/status", List.of("patch"), User.POLICY_STATUS,
          "the leader writes observedGeneration and the Accepted/Programmed conditions"),
      new Rule(CORRAL, CollapsePolicy.PLURAL + "/status", List.of("patch"), User.POLICY_STATUS,
          "the leader writes observedGeneration and the Accepted/Programmed conditions"),
      new Rule("", "events", List.of("create"), User.POLICY_STATUS,
          "core v1 Events on policies for status transitions (Invalid, Conflicted, Rejected, ...)"),
      new Rule("coordination.k8s.io", "leases", List.of("get", "create", "patch"), User.LEADER_ELECTION,
          "leader election: only the replica holding the Lease writes status"),
      new Rule("admissionregistration.k8s.io", "mutatingwebhookconfigurations", List.of("get", "patch"),
          User.INJECTION_WEBHOOK, "the injection webhook puts its self-generated CA into its configuration's caBundle"));

  /** Whether some rule allows {@code verb} on {@code group}/{@code resource}. */
  public static boolean allows(String group, String resource, String verb) {
    return RULES.stream().anyMatch(r -> r.allows(group, resource, verb));
  }
}
