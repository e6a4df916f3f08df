package dev.corral.controlplane.model;

import static java.util.Objects.requireNonNull;

/** One semantic error in a policy spec, naming the field: {@code spec.hashOn: required for RingHash}. */
public record Violation(String field, String message) {
  public Violation {
    requireNonNull(field, "field");
    requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
