package dev.corral.operator;

import static java.util.Objects.requireNonNull;

import dev.corral.api.v1alpha1.BalancePolicy;
import dev.corral.api.v1alpha1.CachePolicy;
import dev.corral.api.v1alpha1.CollapsePolicy;
import dev.corral.operator.inject.WebhookServer;
import java.util.List;

/**
 * Every Kubernetes API permission the controller needs, one rule per (API group, resource, user),
 * each with its scope, the reason and the part that makes the calls. The Helm chart's ClusterRole
 * (the cluster-wide rules) and Role (the rules in the controller's own namespace) are checked
 * against this list by {@code ChartRbacTest}; {@code RbacTest} runs the controller's scenarios on
 * the mock API server and checks that every request it made is covered here and that every rule
 * here was used, and {@code WebhookServerTest} does the same for the injection webhook's rules.
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
    /**
     * {@link dev.corral.operator.inject.WebhookServer}: namespace labels, its caBundle, and the
     * serving certificate the replicas share.
     */
    INJECTION_WEBHOOK
  }

  /** Where a rule applies. */
  public enum Scope {
    /** Every namespace, or cluster-scoped resources: the chart's ClusterRole. */
    CLUSTER,
    /** Only the controller's own namespace (the release namespace): the chart's Role. */
    OWN_NAMESPACE
  }

  /**
   * One permission.
   *
   * @param apiGroup {@code ""} for the core group
   * @param resource plural resource name, {@code resource/subresource} for a subresource
   * @param verbs Kubernetes verbs (get, list, watch, create, update, patch, delete)
   * @param resourceNames the only objects the rule applies to; empty: every object
   */
  public record Rule(Scope scope, String apiGroup, String resource, List<String> verbs, List<String> resourceNames,
      User user, String reason) {
    public Rule {
      requireNonNull(scope, "scope");
      requireNonNull(apiGroup, "apiGroup");
      requireNonNull(resource, "resource");
      verbs = List.copyOf(verbs);
      resourceNames = List.copyOf(resourceNames);
      requireNonNull(user, "user");
      requireNonNull(reason, "reason");
    }

    /** A cluster-wide rule on every object. */
    static Rule cluster(String apiGroup, String resource, List<String> verbs, User user, String reason) {
      return new Rule(Scope.CLUSTER, apiGroup, resource, verbs, List.of(), user, reason);
    }

    /** A rule on every object of the controller's own namespace. */
    static Rule ownNamespace(String apiGroup, String resource, List<String> verbs, User user, String reason) {
      return new Rule(Scope.OWN_NAMESPACE, apiGroup, resource, verbs, List.of(), user, reason);
    }

    Rule named(String... names) {
      return new Rule(scope, apiGroup, resource, verbs, List.of(names), user, reason);
    }

    public boolean allows(String group, String resource, String verb) {
      return apiGroup.equals(group) && this.resource.equals(resource) && verbs.contains(verb);
    }
  }

  private static final String CORRAL = BalancePolicy.GROUP;
  private static final List<String> WATCH = List.of("list", "watch");
  /** fabric8 reads a policy before it patches its status subresource. */
  private static final List<String> POLICY = List.of("get", "list", "watch");

  /** The controller's permissions. */
  public static final List<Rule> RULES = List.of(
      Rule.cluster("", "services", WATCH, User.MODEL_SOURCE, "Services and their ports make the mesh's clusters"),
      Rule.cluster("discovery.k8s.io", "endpointslices", WATCH, User.MODEL_SOURCE,
          "endpoints (address, zone, ready/serving/terminating) of each Service"),
      Rule.cluster("", "pods", WATCH, User.MODEL_SOURCE, "which pods carry the sidecar (meshed) and which should"),
      Rule.cluster("", "namespaces", WATCH, User.MODEL_SOURCE, "the corral.dev/inject=enabled namespace label"),
      Rule.cluster(CORRAL, BalancePolicy.PLURAL, POLICY, User.MODEL_SOURCE,
          "BalancePolicies feed the mesh model (get: the client reads one before patching its status)"),
      Rule.cluster(CORRAL, CachePolicy.PLURAL, POLICY, User.MODEL_SOURCE,
          "CachePolicies feed the mesh model (get: the client reads one before patching its status)"),
      Rule.cluster(CORRAL, CollapsePolicy.PLURAL, POLICY, User.MODEL_SOURCE,
          "CollapsePolicies feed the mesh model (get: the client reads one before patching its status)"),
      Rule.cluster(CORRAL, BalancePolicy.PLURAL + "/status", List.of("patch"), User.POLICY_STATUS,
          "the leader writes observedGeneration and the Accepted/Programmed conditions"),
      Rule.cluster(CORRAL, CachePolicy.PLURAL + "/status", List.of("patch"), User.POLICY_STATUS,
          "the leader writes observedGeneration and the Accepted/Programmed conditions"),
      Rule.cluster(CORRAL, CollapsePolicy.PLURAL + "/status", List.of("patch"), User.POLICY_STATUS,
          "the leader writes observedGeneration and the Accepted/Programmed conditions"),
      Rule.cluster("", "events", List.of("create"), User.POLICY_STATUS,
          "core v1 Events on policies for status transitions (Invalid, Conflicted, Rejected, ...)"),
      Rule.ownNamespace("coordination.k8s.io", "leases", List.of("get", "create", "patch"), User.LEADER_ELECTION,
          "leader election: only the replica holding the Lease writes status"),
      Rule.cluster("", "namespaces", List.of("get"), User.INJECTION_WEBHOOK,
          "the webhook reads the namespace of the pod it is asked about (its corral.dev/inject label)"),
      Rule.cluster("admissionregistration.k8s.io", "mutatingwebhookconfigurations", List.of("get", "patch"),
          User.INJECTION_WEBHOOK, "the injection webhook puts its self-generated CA into its configuration's caBundle")
          .named(WebhookServer.WEBHOOK_CONFIGURATION),
      Rule.ownNamespace("", "secrets", List.of("get", "create", "update"), User.INJECTION_WEBHOOK,
          "the replicas share the generated serving certificate through Secret " + WebhookServer.TLS_SECRET
              + " (create is not limited by name: RBAC cannot limit creates)"));

  /** The rules of one scope. */
  public static List<Rule> rules(Scope scope) {
    return RULES.stream().filter(r -> r.scope() == scope).toList();
  }

  /** Whether some rule allows {@code verb} on {@code group}/{@code resource}. */
  public static boolean allows(String group, String resource, String verb) {
    return RULES.stream().anyMatch(r -> r.allows(group, resource, verb));
  }
}
