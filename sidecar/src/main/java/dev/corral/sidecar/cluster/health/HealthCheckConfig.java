package dev.corral.sidecar.cluster.health;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import dev.corral.sidecar.bootstrap.ConfigException;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.config.core.v3.RequestMethod;
import io.envoyproxy.envoy.type.v3.Int64Range;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A cluster's validated active HTTP health check ({@code health_checks[0]}). Anything Corral does
 * not implement (TCP/gRPC checks, event logs, ...) is refused, not ignored. Optional intervals
 * hold Envoy's defaults once read, so the checker never looks for unset ones.
 *
 * @param unhealthyInterval after a failed check of a host already marked failed (or just marked)
 * @param unhealthyEdgeInterval after a failed check of a healthy host that is not yet marked failed
 * @param healthyEdgeInterval after a passed check of a failed host that is not yet marked healthy
 * @param noTrafficHealthyInterval after a passed check that leaves the host healthy, while the
 *     cluster has carried no traffic; {@code noTrafficInterval} after any other check then
 * @param host the Host header; null means the cluster's name, as in Envoy
 * @param expectedStatuses half-open ranges {@code [start, end)} of healthy statuses
 */
public record HealthCheckConfig(
    Duration timeout,
    Duration interval,
    Duration intervalJitter,
    int intervalJitterPercent,
    int unhealthyThreshold,
    int healthyThreshold,
    Duration noTrafficInterval,
    Duration noTrafficHealthyInterval,
    Duration unhealthyInterval,
    Duration unhealthyEdgeInterval,
    Duration healthyEdgeInterval,
    Duration initialJitter,
    String path,
    @Nullable String host,
    List<StatusRange> expectedStatuses,
    List<RequestHeader> requestHeadersToAdd,
    boolean reuseConnection) {

  private static final Set<String> SUPPORTED = Set.of(
      "timeout", "interval", "interval_jitter", "interval_jitter_percent", "unhealthy_threshold",
      "healthy_threshold", "no_traffic_interval", "no_traffic_healthy_interval",
      "unhealthy_interval", "unhealthy_edge_interval", "healthy_edge_interval", "initial_jitter",
      "http_health_check", "reuse_connection");
  private static final Set<String> SUPPORTED_HTTP = Set.of(
      "path", "host", "expected_statuses", "request_headers_to_add", "method");
  private static final Set<String> SUPPORTED_HEADER = Set.of("header", "append_action");

  public HealthCheckConfig {
    expectedStatuses = List.copyOf(expectedStatuses);
    requestHeadersToAdd = List.copyOf(requestHeadersToAdd);
  }

  /** A half-open range of HTTP statuses, {@code [start, end)}. */
  public record StatusRange(int start, int end) {
    public boolean contains(int status) {
      return status >= start && status < end;
    }
  }

  /** A header added to each check request, with Envoy's {@code append_action}. */
  public record RequestHeader(String name, String value, HeaderValueOption.HeaderAppendAction action) {}

  /**
   * The check of a cluster with {@code checks} as its {@code health_checks}: empty when there is
   * none. Error paths are relative to the cluster, e.g. {@code health_checks[0].interval}.
   */
  public static Optional<HealthCheckConfig> forCluster(List<HealthCheck> checks) {
    if (checks.isEmpty()) {
      return Optional.empty();
    }
    if (checks.size() > 1) {
      throw new ConfigException(
          "health_checks", checks.size() + " health checks (expected: at most one)");
    }
    try {
      return Optional.of(fromProto(checks.get(0)));
    } catch (ConfigException e) {
      throw e.under("health_checks[0]");
    }
  }

  /** Validates one check; a {@link ConfigException} names the path relative to it. */
  public static HealthCheckConfig fromProto(HealthCheck proto) {
    refuseUnsupported(proto, SUPPORTED, "");
    switch (proto.getHealthCheckerCase()) {
      case HTTP_HEALTH_CHECK:
        break;
      case HEALTHCHECKER_NOT_SET:
        throw new ConfigException("http_health_check", "missing (Corral runs HTTP health checks only)");
      default:
        throw new ConfigException(
            fieldName(proto.getHealthCheckerCase().getNumber(), proto),
            "not supported (Corral runs HTTP health checks only)");
    }
    HealthCheck.HttpHealthCheck http = proto.getHttpHealthCheck();
    refuseUnsupported(http, SUPPORTED_HTTP, "http_health_check.");
    if (http.getMethod() != RequestMethod.GET && http.getMethod() != RequestMethod.METHOD_UNSPECIFIED) {
      throw new ConfigException("http_health_check.method", http.getMethod() + " not supported (expected: GET)");
    }
    if (http.getPath().isEmpty()) {
      throw new ConfigException("http_health_check.path", "missing");
    }
    if (!http.getPath().startsWith("/") || !printable(http.getPath())) {
      throw new ConfigException("http_health_check.path", "'" + http.getPath() + "' (expected: an absolute path)");
    }
    if (!printable(http.getHost())) {
      throw new ConfigException("http_health_check.host", "contains control characters or spaces");
    }
    Duration timeout = required(proto.hasTimeout(), proto.getTimeout(), "timeout");
    Duration interval = required(proto.hasInterval(), proto.getInterval(), "interval");
    Duration noTrafficInterval = positive(proto.hasNoTrafficInterval(), proto.getNoTrafficInterval(),
        Duration.ofSeconds(60), "no_traffic_interval");
    // Envoy's defaults chain: unhealthy_edge_interval falls back to unhealthy_interval, not interval.
    Duration unhealthyInterval = positive(proto.hasUnhealthyInterval(), proto.getUnhealthyInterval(),
        interval, "unhealthy_interval");
    return new HealthCheckConfig(
        timeout,
        interval,
        optional(proto.hasIntervalJitter(), proto.getIntervalJitter(), Duration.ZERO, "interval_jitter"),
        (int) Math.min(Integer.toUnsignedLong(proto.getIntervalJitterPercent()), Integer.MAX_VALUE),
        threshold(proto.hasUnhealthyThreshold(), proto.getUnhealthyThreshold(), "unhealthy_threshold"),
        threshold(proto.hasHealthyThreshold(), proto.getHealthyThreshold(), "healthy_threshold"),
        noTrafficInterval,
        positive(proto.hasNoTrafficHealthyInterval(), proto.getNoTrafficHealthyInterval(),
            noTrafficInterval, "no_traffic_healthy_interval"),
        unhealthyInterval,
        positive(proto.hasUnhealthyEdgeInterval(), proto.getUnhealthyEdgeInterval(),
            unhealthyInterval, "unhealthy_edge_interval"),
        positive(proto.hasHealthyEdgeInterval(), proto.getHealthyEdgeInterval(),
            interval, "healthy_edge_interval"),
        optional(proto.hasInitialJitter(), proto.getInitialJitter(), Duration.ZERO, "initial_jitter"),
        http.getPath(),
        http.getHost().isEmpty() ? null : http.getHost(),
        statuses(http.getExpectedStatusesList()),
        headers(http.getRequestHeadersToAddList()),
        !proto.hasReuseConnection() || proto.getReuseConnection().getValue()); // Envoy's default: true
  }

  private static void refuseUnsupported(Message message, Set<String> supported, String prefix) {
    for (FieldDescriptor field : message.getAllFields().keySet()) {
      if (!supported.contains(field.getName())) {
        throw new ConfigException(prefix + field.getName(), "not supported");
      }
    }
  }

  private static String fieldName(int number, HealthCheck proto) {
    return proto.getDescriptorForType().findFieldByNumber(number).getName();
  }

  private static List<StatusRange> statuses(List<Int64Range> ranges) {
    if (ranges.isEmpty()) {
      return List.of(new StatusRange(200, 201));
    }
    List<StatusRange> result = new ArrayList<>();
    for (int i = 0; i < ranges.size(); i++) {
      Int64Range range = ranges.get(i);
      if (range.getStart() < 100 || range.getEnd() > 600 || range.getStart() >= range.getEnd()) {
        throw new ConfigException("http_health_check.expected_statuses[" + i + "]",
            "[" + range.getStart() + ", " + range.getEnd() + ") (expected: 100 <= start < end <= 600)");
      }
      result.add(new StatusRange((int) range.getStart(), (int) range.getEnd()));
    }
    return result;
  }

  private static List<RequestHeader> headers(List<HeaderValueOption> options) {
    List<RequestHeader> result = new ArrayList<>();
    for (int i = 0; i < options.size(); i++) {
      String path = "http_health_check.request_headers_to_add[" + i + "]";
      HeaderValueOption option = options.get(i);
      refuseUnsupported(option, SUPPORTED_HEADER, path + ".");
      if (option.getAppendAction() == HeaderValueOption.HeaderAppendAction.UNRECOGNIZED) {
        throw new ConfigException(path + ".append_action", "unknown value " + option.getAppendActionValue());
      }
      refuseUnsupported(option.getHeader(), Set.of("key", "value"), path + ".header.");
      String name = option.getHeader().getKey();
      if (name.isEmpty() || name.startsWith(":") || !token(name)) {
        throw new ConfigException(path + ".header.key", "'" + name + "' (expected: a header name)");
      }
      if (name.equalsIgnoreCase("host")) {
        throw new ConfigException(path + ".header.key", "host (set http_health_check.host instead)");
      }
      String value = option.getHeader().getValue();
      if (value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
        throw new ConfigException(path + ".header.value", "contains control characters");
      }
      result.add(new RequestHeader(name, value, option.getAppendAction()));
    }
    return result;
  }

  private static boolean token(String name) {
    return name.chars().allMatch(c -> c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0);
  }

  private static boolean printable(String text) {
    return text.chars().allMatch(c -> c > 0x20 && c != 0x7f);
  }

  private static int threshold(boolean present, UInt32Value value, String path) {
    if (!present) {
      throw new ConfigException(path, "missing (required, as in Envoy)");
    }
    long threshold = Integer.toUnsignedLong(value.getValue());
    if (threshold < 1 || threshold > Integer.MAX_VALUE) {
      throw new ConfigException(path + ".value", threshold + " (expected: >= 1)");
    }
    return (int) threshold;
  }

  private static Duration required(boolean present, com.google.protobuf.Duration value, String path) {
    if (!present) {
      throw new ConfigException(path, "missing (required, as in Envoy)");
    }
    return positive(true, value, Duration.ZERO, path);
  }

  /** An optional interval: {@code otherwise} when unset, else a duration > 0 (as Envoy validates). */
  private static Duration positive(
      boolean present, com.google.protobuf.Duration value, Duration otherwise, String path) {
    return present ? positive(optional(true, value, Duration.ZERO, path), path) : otherwise;
  }

  private static Duration positive(Duration duration, String path) {
    if (duration.isZero()) {
      throw new ConfigException(path, "0s (expected: > 0)");
    }
    return duration;
  }

  private static Duration optional(
      boolean present, com.google.protobuf.Duration value, Duration otherwise, String path) {
    if (!present) {
      return otherwise;
    }
    if (!Durations.isValid(value) || Durations.isNegative(value)) {
      throw new ConfigException(path, value.getSeconds() + "s " + value.getNanos() + "ns (expected: a duration >= 0)");
    }
    return Duration.ofSeconds(value.getSeconds(), value.getNanos());
  }
}
