package dev.corral.controlplane.model;

import static java.util.Objects.requireNonNull;

import dev.corral.api.v1alpha1.Algorithm;
import dev.corral.api.v1alpha1.BalancePolicySpec;
import dev.corral.api.v1alpha1.CachePolicySpec;
import dev.corral.api.v1alpha1.CollapsePolicySpec;
import dev.corral.api.v1alpha1.Durations;
import dev.corral.api.v1alpha1.Quantities;
import dev.corral.api.v1alpha1.TargetRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Semantic validation of policy specs, beyond what the OpenAPI schema can say: the rules between
 * fields, the syntax of durations and quantities, the allowed values of lists. Every violation
 * names the field it is about ({@code spec.hashOn: required for RingHash}), so that a user can find
 * it in their YAML and status conditions can quote it. The operator and local mode share it.
 */
public final class PolicyValidator {
  private PolicyValidator() {}

  /** The {@code retries.retryOn} values Corral supports (Envoy's x-envoy-retry-on names). */
  public static final Set<String> RETRY_ON = Set.of(
      "5xx", "gateway-error", "reset", "connect-failure", "refused-stream", "retriable-status-codes");

  /** The methods a CollapsePolicy may list: safe methods whose responses can be shared. */
  public static final Set<String> COLLAPSIBLE_METHODS = Set.of("GET", "HEAD");

  /** RFC 9110 token: what a header name may consist of. */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  /** Validates a spec of any policy kind. */
  public static <S> List<Violation> validate(PolicyKind<S> kind, S spec) {
    requireNonNull(kind, "kind");
    requireNonNull(spec, "spec");
    Object s = spec;
    if (s instanceof BalancePolicySpec b) {
      return validate(b);
    } else if (s instanceof CachePolicySpec c) {
      return validate(c);
    } else if (s instanceof CollapsePolicySpec c) {
      return validate(c);
    }
    throw new IllegalArgumentException("spec: unknown type " + spec.getClass().getName());
  }

  public static List<Violation> validate(BalancePolicySpec spec) {
    Checker c = new Checker();
    c.targetRef(spec.getTargetRef());
    Algorithm algorithm = spec.getAlgorithm() != null ? spec.getAlgorithm() : Algorithm.ROUND_ROBIN;
    BalancePolicySpec.HashOn hashOn = spec.getHashOn();
    if (algorithm.isConsistentHash()) {
      if (hashOn == null) {
        c.add("spec.hashOn", "required for " + algorithm);
      } else {
        hashOn(c, hashOn);
      }
    } else if (hashOn != null) {
      c.add("spec.hashOn", "only allowed when algorithm is RingHash or Maglev (algorithm is " + algorithm + ")");
    }
    c.percent("spec.healthyPanicThreshold", spec.getHealthyPanicThreshold());
    BalancePolicySpec.Timeouts t = spec.getTimeouts();
    if (t != null) {
      c.duration("spec.timeouts.request", t.getRequest(), false);
      c.duration("spec.timeouts.connect", t.getConnect(), true);
      c.duration("spec.timeouts.idle", t.getIdle(), false);
    }
    BalancePolicySpec.Retries r = spec.getRetries();
    if (r != null) {
      retries(c, r);
    }
    BalancePolicySpec.HealthCheck hc = spec.getHealthCheck();
    if (hc != null) {
      if (hc.getPath() != null && !hc.getPath().startsWith("/")) {
        c.add("spec.healthCheck.path", "\"" + hc.getPath() + "\" (expected: a path starting with /)");
      }
      c.duration("spec.healthCheck.interval", hc.getInterval(), true);
      c.duration("spec.healthCheck.timeout", hc.getTimeout(), true);
      c.atLeast("spec.healthCheck.healthyThreshold", hc.getHealthyThreshold(), 1);
      c.atLeast("spec.healthCheck.unhealthyThreshold", hc.getUnhealthyThreshold(), 1);
      // Envoy (and the sidecar) refuse 0 for every interval; only the jitter may be 0.
      c.duration("spec.healthCheck.unhealthyInterval", hc.getUnhealthyInterval(), true);
      c.duration("spec.healthCheck.unhealthyEdgeInterval", hc.getUnhealthyEdgeInterval(), true);
      c.duration("spec.healthCheck.healthyEdgeInterval", hc.getHealthyEdgeInterval(), true);
      c.duration("spec.healthCheck.noTrafficInterval", hc.getNoTrafficInterval(), true);
      c.duration("spec.healthCheck.noTrafficHealthyInterval", hc.getNoTrafficHealthyInterval(), true);
      c.duration("spec.healthCheck.intervalJitter", hc.getIntervalJitter(), false);
    }
    BalancePolicySpec.OutlierDetection od = spec.getOutlierDetection();
    if (od != null) {
      c.atLeast("spec.outlierDetection.consecutive5xx", od.getConsecutive5xx(), 0);
      c.atLeast("spec.outlierDetection.consecutiveGatewayFailure", od.getConsecutiveGatewayFailure(), 0);
      c.duration("spec.outlierDetection.interval", od.getInterval(), true);
      c.duration("spec.outlierDetection.baseEjectionTime", od.getBaseEjectionTime(), true);
      c.percent("spec.outlierDetection.maxEjectionPercent", od.getMaxEjectionPercent());
    }
    BalancePolicySpec.CircuitBreaker cb = spec.getCircuitBreaker();
    if (cb != null) {
      c.atLeast("spec.circuitBreaker.maxConnections", cb.getMaxConnections(), 0);
      c.atLeast("spec.circuitBreaker.maxPendingRequests", cb.getMaxPendingRequests(), 0);
      c.atLeast("spec.circuitBreaker.maxRequests", cb.getMaxRequests(), 0);
    }
    return c.violations;
  }

  private static void hashOn(Checker c, BalancePolicySpec.HashOn h) {
    List<String> set = new ArrayList<>();
    if (h.getHeader() != null) {
      set.add("header");
      c.headerName("spec.hashOn.header", h.getHeader());
    }
    if (h.getCookie() != null) {
      set.add("cookie");
      BalancePolicySpec.HashOn.Cookie cookie = h.getCookie();
      if (cookie.getName() == null || cookie.getName().isEmpty()) {
        c.add("spec.hashOn.cookie.name", "required");
      } else if (!TOKEN.matcher(cookie.getName()).matches()) {
        c.add("spec.hashOn.cookie.name", "\"" + cookie.getName() + "\" is not a valid cookie name");
      }
      c.duration("spec.hashOn.cookie.ttl", cookie.getTtl(), false);
      if (cookie.getPath() != null && !cookie.getPath().startsWith("/")) {
        c.add("spec.hashOn.cookie.path", "\"" + cookie.getPath() + "\" (expected: a path starting with /)");
      }
    }
    if (Boolean.TRUE.equals(h.getSourceIP())) {
      set.add("sourceIP");
    }
    if (Boolean.TRUE.equals(h.getPath())) {
      set.add("path");
    }
    if (set.size() != 1) {
      c.add("spec.hashOn", "exactly one of header, cookie, sourceIP: true, path: true must be set"
          + (set.isEmpty() ? " (none is)" : " (found " + String.join(", ", set) + ")"));
    }
  }

  private static void retries(Checker c, BalancePolicySpec.Retries r) {
    c.atLeast("spec.retries.attempts", r.getAttempts(), 0);
    c.duration("spec.retries.perTryTimeout", r.getPerTryTimeout(), false);
    List<String> retryOn = r.getRetryOn();
    if (retryOn != null) {
      for (int i = 0; i < retryOn.size(); i++) {
        String v = retryOn.get(i);
        if (v == null || !RETRY_ON.contains(v)) {
          c.add("spec.retries.retryOn[" + i + "]", "\"" + v + "\" is not supported (expected one of "
              + "5xx, gateway-error, reset, connect-failure, refused-stream, retriable-status-codes)");
        }
      }
    }
    List<Integer> codes = r.getRetriableStatusCodes();
    if (codes != null && !codes.isEmpty()) {
      for (int i = 0; i < codes.size(); i++) {
        Integer code = codes.get(i);
        if (code == null || code < 100 || code > 599) {
          c.add("spec.retries.retriableStatusCodes[" + i + "]", code + " (expected: an HTTP status 100-599)");
        }
      }
      if (retryOn == null || !retryOn.contains("retriable-status-codes")) {
        c.add("spec.retries.retriableStatusCodes", "only used when retryOn includes retriable-status-codes");
      }
    }
    BalancePolicySpec.Retries.Backoff b = r.getBackoff();
    if (b != null) {
      Duration base = c.duration("spec.retries.backoff.baseInterval", b.getBaseInterval(), true);
      Duration max = c.duration("spec.retries.backoff.maxInterval", b.getMaxInterval(), true);
      if (base != null && max != null && max.compareTo(base) < 0) {
        c.add("spec.retries.backoff.maxInterval", b.getMaxInterval() + " is less than baseInterval " + b.getBaseInterval());
      }
    }
    BalancePolicySpec.Retries.Budget budget = r.getBudget();
    if (budget != null) {
      c.percent("spec.retries.budget.percent", budget.getPercent());
      c.atLeast("spec.retries.budget.minRetryConcurrency", budget.getMinRetryConcurrency(), 0);
    }
  }

  public static List<Violation> validate(CachePolicySpec spec) {
    Checker c = new Checker();
    c.targetRef(spec.getTargetRef());
    Long maxSize = c.quantity("spec.maxSize", spec.getMaxSize(), true);
    Long maxObjectSize = c.quantity("spec.maxObjectSize", spec.getMaxObjectSize(), true);
    if (maxSize != null && maxObjectSize != null && maxObjectSize > maxSize) {
      c.add("spec.maxObjectSize", spec.getMaxObjectSize() + " is larger than maxSize " + spec.getMaxSize());
    }
    c.duration("spec.defaultTtl", spec.getDefaultTtl(), false);
    c.duration("spec.staleWhileRevalidate", spec.getStaleWhileRevalidate(), false);
    c.duration("spec.staleIfError", spec.getStaleIfError(), false);
    c.headerNames("spec.keyHeaders", spec.getKeyHeaders());
    return c.violations;
  }

  public static List<Violation> validate(CollapsePolicySpec spec) {
    Checker c = new Checker();
    c.targetRef(spec.getTargetRef());
    List<String> methods = spec.getMethods();
    if (methods != null) {
      if (methods.isEmpty()) {
        c.add("spec.methods", "must list at least one method (omit the field for GET and HEAD)");
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < methods.size(); i++) {
        String m = methods.get(i);
        String field = "spec.methods[" + i + "]";
        if (m != null && COLLAPSIBLE_METHODS.contains(m)) {
          if (!seen.add(m)) {
            c.add(field, m + " is listed twice");
          }
        } else if (m != null && COLLAPSIBLE_METHODS.contains(m.toUpperCase(java.util.Locale.ROOT))) {
          c.add(field, "\"" + m + "\": methods are case-sensitive (expected " + m.toUpperCase(java.util.Locale.ROOT) + ")");
        } else {
          c.add(field, "\"" + m + "\" is not allowed: only safe methods GET and HEAD can be collapsed");
        }
      }
    }
    c.headerNames("spec.keyHeaders", spec.getKeyHeaders());
    c.duration("spec.maxWait", spec.getMaxWait(), true);
    c.quantity("spec.maxBufferedBytes", spec.getMaxBufferedBytes(), false);
    CollapsePolicySpec.Ranges ranges = spec.getRanges();
    if (ranges != null) {
      c.quantity("spec.ranges.blockSize", ranges.getBlockSize(), true);
      c.atLeast("spec.ranges.maxBlocksPerFetch", ranges.getMaxBlocksPerFetch(), 1);
    }
    return c.violations;
  }

  /** Collects violations; each check skips absent (null) optional fields. */
  private static final class Checker {
    final List<Violation> violations = new ArrayList<>();

    void add(String field, String message) {
      violations.add(new Violation(field, message));
    }

    void targetRef(TargetRef ref) {
      if (ref == null) {
        add("spec.targetRef", "required");
        return;
      }
      if (ref.getGroup() != null && !ref.getGroup().isEmpty() && !ref.getGroup().equals("core")) {
        add("spec.targetRef.group", "\"" + ref.getGroup() + "\" (expected: \"\", the core group of Service)");
      }
      if (ref.getKind() == null || ref.getKind().isEmpty()) {
        add("spec.targetRef.kind", "required (expected: Service)");
      } else if (!ref.getKind().equals("Service")) {
        add("spec.targetRef.kind", "\"" + ref.getKind() + "\" (expected: Service)");
      }
      if (ref.getName() == null || ref.getName().isEmpty()) {
        add("spec.targetRef.name", "required");
      }
    }

    void percent(String field, Integer value) {
      if (value != null && (value < 0 || value > 100)) {
        add(field, value + " (expected: a percentage 0-100)");
      }
    }

    void atLeast(String field, Integer value, int min) {
      if (value != null && value < min) {
        add(field, value + " (expected: >= " + min + ")");
      }
    }

    Duration duration(String field, String value, boolean positive) {
      if (value == null) {
        return null;
      }
      try {
        Duration d = Durations.parse(value);
        if (positive && d.isZero()) {
          add(field, value + " (expected: a duration > 0)");
          return null;
        }
        return d;
      } catch (IllegalArgumentException e) {
        add(field, e.getMessage());
        return null;
      }
    }

    Long quantity(String field, String value, boolean positive) {
      if (value == null) {
        return null;
      }
      try {
        long bytes = Quantities.parseBytes(value);
        if (positive && bytes == 0) {
          add(field, value + " (expected: a size > 0)");
          return null;
        }
        return bytes;
      } catch (IllegalArgumentException e) {
        add(field, e.getMessage());
        return null;
      }
    }

    void headerName(String field, String name) {
      if (name == null || !TOKEN.matcher(name).matches()) {
        add(field, "\"" + name + "\" is not a valid header name");
      }
    }

    void headerNames(String field, List<String> names) {
      if (names == null) {
        return;
      }
      for (int i = 0; i < names.size(); i++) {
        headerName(field + "[" + i + "]", names.get(i));
      }
    }
  }
}
