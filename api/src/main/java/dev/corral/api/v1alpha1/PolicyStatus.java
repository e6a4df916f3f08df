package dev.corral.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Objects;

/** Status of every Corral policy: observedGeneration and the Accepted and Programmed conditions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"observedGeneration", "conditions"})
public final class PolicyStatus {
  /** Printer column: the Accepted condition's status. */
  public static final String ACCEPTED_JSON_PATH = ".status.conditions[?(@.type==\"Accepted\")].status";
  /** Printer column: the Programmed condition's status. */
  public static final String PROGRAMMED_JSON_PATH = ".status.conditions[?(@.type==\"Programmed\")].status";

  /** The metadata.generation the conditions describe. */
  @JsonProperty("observedGeneration")
  private Long observedGeneration;
  /** Accepted and Programmed, Kubernetes-style. */
  @JsonProperty("conditions")
  private List<Condition> conditions;

  public PolicyStatus() {}

  public Long getObservedGeneration() { return observedGeneration; }

  public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }

  /** Fluent setter for builders and tests. */
  public PolicyStatus withObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; return this; }

  public List<Condition> getConditions() { return conditions; }

  public void setConditions(List<Condition> conditions) { this.conditions = conditions; }

  /** Fluent setter for builders and tests. */
  public PolicyStatus withConditions(List<Condition> conditions) { this.conditions = conditions; return this; }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof PolicyStatus that)) return false;
    return Objects.equals(observedGeneration, that.observedGeneration) && Objects.equals(conditions, that.conditions);
  }

  @Override
  public int hashCode() { return Objects.hash(observedGeneration, conditions); }

  @Override
  public String toString() { return "PolicyStatus{" + "observedGeneration=" + observedGeneration + ", " + "conditions=" + conditions + "}"; }
}
