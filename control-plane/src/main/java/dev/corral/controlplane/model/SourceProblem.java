package dev.corral.controlplane.model;

import static java.util.Objects.requireNonNull;

/**
 * Something a {@link MeshModelSource} could not take in: a file that does not parse, an object that
 * does not validate. The object stays out of the model (or its last good version stays in).
 *
 * @param source where it came from: a file path, or {@code kubernetes} for the API server
 * @param object the object, {@code Kind namespace/name}, or {@code ""} when it could not be identified
 * @param line 1-based line in {@code source}, or 0 when unknown
 * @param field the field path, e.g. {@code spec.hashOn}, or {@code ""} when the problem is not a field's
 * @param message what is wrong, e.g. {@code required for RingHash}
 */
public record SourceProblem(String source, String object, int line, String field, String message) {
  public SourceProblem {
    requireNonNull(source, "source");
    requireNonNull(object, "object");
    requireNonNull(field, "field");
    requireNonNull(message, "message");
    if (line < 0) {
      throw new IllegalArgumentException("line: " + line + " (expected: >= 0)");
    }
  }

  /** {@code shop.yaml:12: BalancePolicy shop/images: spec.hashOn: required for RingHash}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(source);
    if (line > 0) {
      sb.append(':').append(line);
    }
    sb.append(": ");
    if (!object.isEmpty()) {
      sb.append(object).append(": ");
    }
    if (!field.isEmpty()) {
      sb.append(field).append(": ");
    }
    return sb.append(message).toString();
  }
}
