package dev.corral.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which sidecar runs a cache or collapser: each caller's (Client) or each target pod's (Server). */
public enum Placement {
  @JsonProperty("Client") CLIENT("Client"),
  @JsonProperty("Server") SERVER("Server");

  private final String yamlName;

  Placement(String yamlName) {
    this.yamlName = yamlName;
  }

  /** The name users write in YAML. */
  public String yamlName() {
    return yamlName;
  }

  @Override
  public String toString() {
    return yamlName;
  }
}
