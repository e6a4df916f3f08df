package dev.corral.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** {@code BalancePolicy}: Balancing, timeouts, retries, health checking and limits for calls to one Service. */
@Group(BalancePolicy.GROUP)
@Version(BalancePolicy.VERSION)
@Kind(BalancePolicy.KIND)
@Plural(BalancePolicy.PLURAL)
@Singular("balancepolicy")
@AdditionalPrinterColumn(name = "TARGET", jsonPath = ".spec.targetRef.name", type = Type.STRING)
@AdditionalPrinterColumn(name = "ALGORITHM", jsonPath = ".spec.algorithm", type = Type.STRING)
@AdditionalPrinterColumn(name = "ACCEPTED", jsonPath = PolicyStatus.ACCEPTED_JSON_PATH, type = Type.STRING)
@AdditionalPrinterColumn(name = "PROGRAMMED", jsonPath = PolicyStatus.PROGRAMMED_JSON_PATH, type = Type.STRING)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class BalancePolicy extends CustomResource<BalancePolicySpec, PolicyStatus> implements Namespaced {
  public static final String GROUP = "corral.dev";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "BalancePolicy";
  public static final String PLURAL = "balancepolicies";

  public BalancePolicy() {}
}
