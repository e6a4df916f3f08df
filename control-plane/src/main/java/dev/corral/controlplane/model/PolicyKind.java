package dev.corral.controlplane.model;

import dev.corral.api.v1alpha1.BalancePolicy;
import dev.corral.api.v1alpha1.BalancePolicySpec;
import dev.corral.api.v1alpha1.CachePolicy;
import dev.corral.api.v1alpha1.CachePolicySpec;
import dev.corral.api.v1alpha1.CollapsePolicy;
import dev.corral.api.v1alpha1.CollapsePolicySpec;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.List;
import java.util.Optional;

/**
 * One of Corral's policy kinds, typed by its spec class so that lookups in {@link MeshModel} are
 * typed too: {@code model.policyFor(PolicyKind.BALANCE, key)} is a {@code Policy<BalancePolicySpec>}.
 */
public final class PolicyKind<S> {
  public static final PolicyKind<BalancePolicySpec> BALANCE =
      new PolicyKind<>(BalancePolicy.KIND, BalancePolicySpec.class, BalancePolicy.class);
  public static final PolicyKind<CachePolicySpec> CACHE =
      new PolicyKind<>(CachePolicy.KIND, CachePolicySpec.class, CachePolicy.class);
  public static final PolicyKind<CollapsePolicySpec> COLLAPSE =
      new PolicyKind<>(CollapsePolicy.KIND, CollapsePolicySpec.class, CollapsePolicy.class);

  private static final List<PolicyKind<?>> ALL = List.of(BALANCE, CACHE, COLLAPSE);

  private final String kind;
  private final Class<S> specType;
  private final Class<? extends CustomResource<S, ?>> resourceType;

  private PolicyKind(String kind, Class<S> specType, Class<? extends CustomResource<S, ?>> resourceType) {
    this.kind = kind;
    this.specType = specType;
    this.resourceType = resourceType;
  }

  /** Every policy kind, in a stable order. */
  public static List<PolicyKind<?>> all() {
    return ALL;
  }

  /** The kind for a Kubernetes {@code kind} name such as {@code BalancePolicy}. */
  public static Optional<PolicyKind<?>> of(String kind) {
    return ALL.stream().filter(k -> k.kind.equals(kind)).findFirst();
  }

  /** The Kubernetes kind, e.g. {@code BalancePolicy}. */
  public String kind() {
    return kind;
  }

  public Class<S> specType() {
    return specType;
  }

  /** The fabric8 custom resource class. */
  public Class<? extends CustomResource<S, ?>> resourceType() {
    return resourceType;
  }

  /** Casts a spec known to be of this kind. */
  public S cast(Object spec) {
    return specType.cast(spec);
  }

  @Override
  public String toString() {
    return kind;
  }
}
