package dev.corral.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A BalancePolicy's load-balancing algorithm; the YAML names are the contract. */
public enum Algorithm {
  @JsonProperty("RoundRobin") ROUND_ROBIN("RoundRobin"),
  @JsonProperty("Random") RANDOM("Random"),
  @JsonProperty("LeastRequest") LEAST_REQUEST("LeastRequest"),
  @JsonProperty("PeakEwma") PEAK_EWMA("PeakEwma"),
  @JsonProperty("RingHash") RING_HASH("RingHash"),
  @JsonProperty("Maglev") MAGLEV("Maglev");

  private final String yamlName;

  Algorithm(String yamlName) {
    this.yamlName = yamlName;
  }

  /** The name users write in YAML, e.g. {@code LeastRequest}. */
  public String yamlName() {
    return yamlName;
  }

  /** Whether the algorithm needs {@code spec.hashOn}. */
  public boolean isConsistentHash() {
    return this == RING_HASH || this == MAGLEV;
  }

  @Override
  public String toString() {
    return yamlName;
  }
}
