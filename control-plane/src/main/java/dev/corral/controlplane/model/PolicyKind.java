package dev.corral.controlplane.model;

import dev.corral.api.v1alpha1.BalancePolicy;
import dev.corral.api.v1alpha1.BalancePolicySpec;
import dev.corral.api.v1alpha1.CachePolicy;
import dev.corral.api.v1alpha1.CachePolicySpec;
import dev.corral.api.v1alpha1.CollapsePolicy;
import dev.corral.api.v1alpha1.CollapsePolicySpec;
import dev.corral.api.v1alpha1.TargetRef;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One of Corral's policy kinds, typed by its spec class so that lookups in {@link MeshModel} are
 * typed too: {@code model.policyFor(PolicyKind.BALANCE, key)} is a {@code Policy<BalancePolicySpec>}.
 */
public final class PolicyKind<S> {
  public static final PolicyKind<BalancePolicySpec> BALANCE =
      new PolicyKind<>(BalancePolicy.KIND, BalancePolicy.PLURAL, BalancePolicySpec.class, BalancePolicy.class,
          BalancePolicySpec::getTargetRef);
  public static final PolicyKind<CachePolicySpec> CACHE =
      new PolicyKind<>(CachePolicy.KIND, CachePolicy.PLURAL, CachePolicySpec.class, CachePolicy.class,
          CachePolicySpec::getTargetRef);
  public static final PolicyKind<CollapsePolicySpec> COLLAPSE =
      new PolicyKind<>(CollapsePolicy.KIND, CollapsePolicy.PLURAL, CollapsePolicySpec.class, CollapsePolicy.class,
          CollapsePolicySpec::getTargetRef);

  private static final List<PolicyKind<?>> ALL = List.of(BALANCE, CACHE, COLLAPSE);

  private final String kind;
  private final String plural;
  private final Class<S> specType;
  private final Class<? extends CustomResource<S, ?>> resourceType;
  private final Function<S, @Nullable TargetRef> targetRef;

  private PolicyKind(String kind, String plural, Class<S> specType, Class<? extends CustomResource<S, ?>> resourceType,
      Function<S, @Nullable TargetRef> targetRef) {
    this.kind = kind;
    this.plural = plural;
    this.specType = specType;
    this.resourceType = resourceType;
    this.targetRef = targetRef;
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

  /** The resource's plural, e.g. {@code balancepolicies}: its REST path and RBAC resource name. */
  public String plural() {
    return plural;
  }

  /** {@code spec.targetRef}; null when the spec has none (which validation refuses). */
  public @Nullable TargetRef targetRef(S spec) {
    return targetRef.apply(spec);
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
