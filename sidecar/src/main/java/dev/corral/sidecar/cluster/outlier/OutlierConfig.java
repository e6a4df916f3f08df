package dev.corral.sidecar.cluster.outlier;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import dev.corral.sidecar.bootstrap.ConfigException;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import java.time.Duration;
import java.util.Set;

/**
 * A cluster's validated {@code outlier_detection}, with Envoy's defaults filled in. Fields Corral
 * does not implement are refused (paths relative to {@code outlier_detection}) rather than ignored.
 *
 * @param enforcingFailurePercentage also switches request-volume counting on: at 0 the request
 *     path only touches a counter on a failure or the first success after one
 */
public record OutlierConfig(
    int consecutive5xx,
    int consecutiveGatewayFailure,
    int consecutiveLocalOriginFailure,
    Duration interval,
    Duration baseEjectionTime,
    Duration maxEjectionTime,
    int maxEjectionPercent,
    int enforcingConsecutive5xx,
    int enforcingConsecutiveGatewayFailure,
    int enforcingConsecutiveLocalOriginFailure,
    int failurePercentageThreshold,
    int enforcingFailurePercentage,
    int failurePercentageMinimumHosts,
    int failurePercentageRequestVolume,
    boolean splitExternalLocalOriginErrors,
    boolean alwaysEjectOneHost) {

  private static final Set<String> SUPPORTED = Set.of(
      "consecutive_5xx", "consecutive_gateway_failure", "consecutive_local_origin_failure",
      "interval", "base_ejection_time", "max_ejection_time", "max_ejection_percent",
      "enforcing_consecutive_5xx", "enforcing_consecutive_gateway_failure",
      "enforcing_consecutive_local_origin_failure", "failure_percentage_threshold",
      "enforcing_failure_percentage", "failure_percentage_minimum_hosts",
      "failure_percentage_request_volume", "split_external_local_origin_errors",
      "always_eject_one_host");

  /** Fields that only switch off what Corral does not do: accepted when they say 0. */
  private static final Set<String> ACCEPTED_WHEN_ZERO =
      Set.of("enforcing_success_rate", "enforcing_local_origin_success_rate",
          "enforcing_failure_percentage_local_origin");

  public OutlierConfig {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
    }
  }

  /** Envoy's defaults: what an empty {@code outlier_detection: {}} means. */
  public static OutlierConfig defaults() {
    return fromProto(OutlierDetection.getDefaultInstance());
  }

  /** Validates {@code proto}; a {@link ConfigException} names the path under {@code outlier_detection}. */
  public static OutlierConfig fromProto(OutlierDetection proto) {
    for (FieldDescriptor field : proto.getAllFields().keySet()) {
      String name = field.getName();
      if (SUPPORTED.contains(name)) {
        continue;
      }
      if (ACCEPTED_WHEN_ZERO.contains(name)
          && ((UInt32Value) proto.getField(field)).getValue() == 0) {
        continue;
      }
      String why = name.contains("success_rate")
          ? "not supported (Corral ejects on consecutive errors and failure percentage, not success rate)"
          : "not supported";
      throw new ConfigException(name, why);
    }
    return new OutlierConfig(
        count(proto.hasConsecutive5Xx(), proto.getConsecutive5Xx(), 5),
        count(proto.hasConsecutiveGatewayFailure(), proto.getConsecutiveGatewayFailure(), 5),
        count(proto.hasConsecutiveLocalOriginFailure(), proto.getConsecutiveLocalOriginFailure(), 5),
        duration(proto.hasInterval(), proto.getInterval(), Duration.ofSeconds(10), "interval"),
        duration(proto.hasBaseEjectionTime(), proto.getBaseEjectionTime(), Duration.ofSeconds(30),
            "base_ejection_time"),
        duration(proto.hasMaxEjectionTime(), proto.getMaxEjectionTime(), Duration.ofSeconds(300),
            "max_ejection_time"),
        percent(proto.hasMaxEjectionPercent(), proto.getMaxEjectionPercent(), 10, "max_ejection_percent"),
        percent(proto.hasEnforcingConsecutive5Xx(), proto.getEnforcingConsecutive5Xx(), 100,
            "enforcing_consecutive_5xx"),
        // Envoy's default really is 0: gateway failures are detected and counted, not enforced.
        percent(proto.hasEnforcingConsecutiveGatewayFailure(), proto.getEnforcingConsecutiveGatewayFailure(),
            0, "enforcing_consecutive_gateway_failure"),
        percent(proto.hasEnforcingConsecutiveLocalOriginFailure(),
            proto.getEnforcingConsecutiveLocalOriginFailure(), 100,
            "enforcing_consecutive_local_origin_failure"),
        percent(proto.hasFailurePercentageThreshold(), proto.getFailurePercentageThreshold(), 85,
            "failure_percentage_threshold"),
        percent(proto.hasEnforcingFailurePercentage(), proto.getEnforcingFailurePercentage(), 0,
            "enforcing_failure_percentage"),
        count(proto.hasFailurePercentageMinimumHosts(), proto.getFailurePercentageMinimumHosts(), 5),
        count(proto.hasFailurePercentageRequestVolume(), proto.getFailurePercentageRequestVolume(), 50),
        proto.getSplitExternalLocalOriginErrors(),
        proto.hasAlwaysEjectOneHost() && proto.getAlwaysEjectOneHost().getValue());
  }

  private static int count(boolean present, UInt32Value value, int otherwise) {
    // uint32 above Integer.MAX_VALUE: a threshold never reached, like Envoy's.
    return present ? (int) Math.min(Integer.toUnsignedLong(value.getValue()), Integer.MAX_VALUE) : otherwise;
  }

  private static int percent(boolean present, UInt32Value value, int otherwise, String path) {
    if (!present) {
      return otherwise;
    }
    long percent = Integer.toUnsignedLong(value.getValue());
    if (percent > 100) {
      throw new ConfigException(path + ".value", percent + " (expected: <= 100)");
    }
    return (int) percent;
  }

  private static Duration duration(
      boolean present, com.google.protobuf.Duration value, Duration otherwise, String path) {
    if (!present) {
      return otherwise;
    }
    if (!Durations.isValid(value)) {
      throw new ConfigException(path, "invalid duration " + value.getSeconds() + "s " + value.getNanos() + "ns");
    }
    Duration duration = Duration.ofSeconds(value.getSeconds(), value.getNanos());
    if (duration.isNegative() || duration.isZero()) {
      throw new ConfigException(path, duration + " (expected: > 0)");
    }
    return duration;
  }
}
