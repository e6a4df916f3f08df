package dev.corral.controlplane.translate;

import dev.corral.api.v1alpha1.Durations;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Conversions from the API's Kubernetes-style values to protobuf types. */
final class Protos {
  private Protos() {}

  /**
   * A validated spec's duration; {@code null} when absent. Specs reach the translator only after
   * {@code PolicyValidator}, so a parse failure here is a bug, not input.
   */
  static @Nullable Duration duration(@Nullable String text) {
    return text == null ? null : Durations.parse(text);
  }

  static com.google.protobuf.Duration toProto(Duration d) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }
}
