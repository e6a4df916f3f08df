package dev.corral.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/** How callers balance, time out, retry and protect themselves when they call the target Service. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"targetRef", "algorithm", "hashOn", "healthyPanicThreshold", "timeouts", "retries", "healthCheck", "outlierDetection", "circuitBreaker"})
@ValidationRule(value = Schema.HASH_ON_RULE, message = Schema.HASH_ON_MESSAGE)
public final class BalancePolicySpec {
  /** The Service this policy applies to. */
  @Required
  @JsonProperty("targetRef")
  private TargetRef targetRef;
  /** Load-balancing algorithm; RoundRobin when absent. */
  @JsonProperty("algorithm")
  private Algorithm algorithm;
  /** What to hash on; required for RingHash and Maglev, refused otherwise. */
  @JsonProperty("hashOn")
  private HashOn hashOn;
  /** Percent; below it, balance over all hosts (0 disables). */
  @Min(0)
  @Max(100)
  @JsonProperty("healthyPanicThreshold")
  private Integer healthyPanicThreshold;
  /** Request, connect and idle timeouts. */
  @JsonProperty("timeouts")
  private Timeouts timeouts;
  /** Retry policy. */
  @JsonProperty("retries")
  private Retries retries;
  /** Active HTTP health checking. */
  @JsonProperty("healthCheck")
  private HealthCheck healthCheck;
  /** Passive health checking: ejection of failing hosts. */
  @JsonProperty("outlierDetection")
  private OutlierDetection outlierDetection;
  /** Connection and request limits toward the target. */
  @JsonProperty("circuitBreaker")
  private CircuitBreaker circuitBreaker;

  public BalancePolicySpec() {}

  public TargetRef getTargetRef() { return targetRef; }

  public void setTargetRef(TargetRef targetRef) { this.targetRef = targetRef; }

  /** Fluent setter for builders and tests. */
  public BalancePolicySpec withTargetRef(TargetRef targetRef) { this.targetRef = targetRef; return this; }

  public Algorithm getAlgorithm() { return algorithm; }

  public void setAlgorithm(Algorithm algorithm) { this.algorithm = algorithm; }

  /** Fluent setter for builders and tests. */
  public BalancePolicySpec withAlgorithm(Algorithm algorithm) { this.algorithm = algorithm; return this; }

  public HashOn getHashOn() { return hashOn; }

  public void setHashOn(HashOn hashOn) { this.hashOn = hashOn; }

  /** Fluent setter for builders and tests. */
  public BalancePolicySpec withHashOn(HashOn hashOn) { this.hashOn = hashOn; return this; }

  public Integer getHealthyPanicThreshold() { return healthyPanicThreshold; }

  public void setHealthyPanicThreshold(Integer healthyPanicThreshold) { this.healthyPanicThreshold = healthyPanicThreshold; }

  /** Fluent setter for builders and tests. */
  public BalancePolicySpec withHealthyPanicThreshold(Integer healthyPanicThreshold) { this.healthyPanicThreshold = healthyPanicThreshold; return this; }

  public Timeouts getTimeouts() { return timeouts; }

  public void setTimeouts(Timeouts timeouts) { this.timeouts = timeouts; }

  /** Fluent setter for builders and tests. */
  public BalancePolicySpec withTimeouts(Timeouts timeouts) { this.timeouts = timeouts; return this; }

  public Retries getRetries() { return retries; }

  public void setRetries(Retries retries) { this.retries = retries; }

  /** Fluent setter for builders and tests. */
  public BalancePolicySpec withRetries(Retries retries) { this.retries = retries; return this; }

  public HealthCheck getHealthCheck() { return healthCheck; }

  public void setHealthCheck(HealthCheck healthCheck) { this.healthCheck = healthCheck; }

  /** Fluent setter for builders and tests. */
  public BalancePolicySpec withHealthCheck(HealthCheck healthCheck) { this.healthCheck = healthCheck; return this; }

  public OutlierDetection getOutlierDetection() { return outlierDetection; }

  public void setOutlierDetection(OutlierDetection outlierDetection) { this.outlierDetection = outlierDetection; }

  /** Fluent setter for builders and tests. */
  public BalancePolicySpec withOutlierDetection(OutlierDetection outlierDetection) { this.outlierDetection = outlierDetection; return this; }

  public CircuitBreaker getCircuitBreaker() { return circuitBreaker; }

  public void setCircuitBreaker(CircuitBreaker circuitBreaker) { this.circuitBreaker = circuitBreaker; }

  /** Fluent setter for builders and tests. */
  public BalancePolicySpec withCircuitBreaker(CircuitBreaker circuitBreaker) { this.circuitBreaker = circuitBreaker; return this; }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof BalancePolicySpec that)) return false;
    return Objects.equals(targetRef, that.targetRef) && Objects.equals(algorithm, that.algorithm) && Objects.equals(hashOn, that.hashOn) && Objects.equals(healthyPanicThreshold, that.healthyPanicThreshold) && Objects.equals(timeouts, that.timeouts) && Objects.equals(retries, that.retries) && Objects.equals(healthCheck, that.healthCheck) && Objects.equals(outlierDetection, that.outlierDetection) && Objects.equals(circuitBreaker, that.circuitBreaker);
  }

  @Override
  public int hashCode() { return Objects.hash(targetRef, algorithm, hashOn, healthyPanicThreshold, timeouts, retries, healthCheck, outlierDetection, circuitBreaker); }

  @Override
  public String toString() { return "BalancePolicySpec{" + "targetRef=" + targetRef + ", " + "algorithm=" + algorithm + ", " + "hashOn=" + hashOn + ", " + "healthyPanicThreshold=" + healthyPanicThreshold + ", " + "timeouts=" + timeouts + ", " + "retries=" + retries + ", " + "healthCheck=" + healthCheck + ", " + "outlierDetection=" + outlierDetection + ", " + "circuitBreaker=" + circuitBreaker + "}"; }

  /** The request property a consistent hash is computed over; exactly one is set. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"header", "cookie", "sourceIP", "path"})
  @ValidationRule(value = Schema.HASH_ON_ONE_RULE, message = Schema.HASH_ON_ONE_MESSAGE)
  public static final class HashOn {
    /** Hash on this request header. */
    @Pattern(Schema.TOKEN)
    @JsonProperty("header")
    private String header;
    /** Hash on this cookie, issued when absent (sticky sessions). */
    @JsonProperty("cookie")
    private Cookie cookie;
    /** Hash on the caller's address. */
    @JsonProperty("sourceIP")
    private Boolean sourceIP;
    /** Hash on the request path. */
    @JsonProperty("path")
    private Boolean path;

    public HashOn() {}

    public String getHeader() { return header; }

    public void setHeader(String header) { this.header = header; }

    /** Fluent setter for builders and tests. */
    public HashOn withHeader(String header) { this.header = header; return this; }

    public Cookie getCookie() { return cookie; }

    public void setCookie(Cookie cookie) { this.cookie = cookie; }

    /** Fluent setter for builders and tests. */
    public HashOn withCookie(Cookie cookie) { this.cookie = cookie; return this; }

    public Boolean getSourceIP() { return sourceIP; }

    public void setSourceIP(Boolean sourceIP) { this.sourceIP = sourceIP; }

    /** Fluent setter for builders and tests. */
    public HashOn withSourceIP(Boolean sourceIP) { this.sourceIP = sourceIP; return this; }

    public Boolean getPath() { return path; }

    public void setPath(Boolean path) { this.path = path; }

    /** Fluent setter for builders and tests. */
    public HashOn withPath(Boolean path) { this.path = path; return this; }

    @Override
    public boolean equals(Object o) {
      if (this == o) return true;
      if (!(o instanceof HashOn that)) return false;
      return Objects.equals(header, that.header) && Objects.equals(cookie, that.cookie) && Objects.equals(sourceIP, that.sourceIP) && Objects.equals(path, that.path);
    }

    @Override
    public int hashCode() { return Objects.hash(header, cookie, sourceIP, path); }

    @Override
    public String toString() { return "HashOn{" + "header=" + header + ", " + "cookie=" + cookie + ", " + "sourceIP=" + sourceIP + ", " + "path=" + path + "}"; }

    /** A hash cookie; issued with this ttl and path when the request has none. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"name", "ttl", "path"})
    public static final class Cookie {
      /** Cookie name. */
      @Required
      @Pattern(Schema.TOKEN)
      @JsonProperty("name")
      private String name;
      /** Cookie lifetime (duration). */
      @Pattern(Schema.DURATION)
      @JsonProperty("ttl")
      private String ttl;
      /** Cookie path. */
      @Pattern(Schema.PATH)
      @JsonProperty("path")
      private String path;

      public Cookie() {}

      public String getName() { return name; }

      public void setName(String name) { this.name = name; }

      /** Fluent setter for builders and tests. */
      public Cookie withName(String name) { this.name = name; return this; }

      public String getTtl() { return ttl; }

      public void setTtl(String ttl) { this.ttl = ttl; }

      /** Fluent setter for builders and tests. */
      public Cookie withTtl(String ttl) { this.ttl = ttl; return this; }

      public String getPath() { return path; }

      public void setPath(String path) { this.path = path; }

      /** Fluent setter for builders and tests. */
      public Cookie withPath(String path) { this.path = path; return this; }

      @Override
      public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Cookie that)) return false;
        return Objects.equals(name, that.name) && Objects.equals(ttl, that.ttl) && Objects.equals(path, that.path);
      }

      @Override
      public int hashCode() { return Objects.hash(name, ttl, path); }

      @Override
      public String toString() { return "Cookie{" + "name=" + name + ", " + "ttl=" + ttl + ", " + "path=" + path + "}"; }
    }
  }

  /** Timeouts as durations ("15s"). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"request", "connect", "idle"})
  public static final class Timeouts {
    /** Whole-request timeout, including retries. */
    @Pattern(Schema.DURATION)
    @JsonProperty("request")
    private String request;
    /** TCP connect timeout. */
    @Pattern(Schema.DURATION)
    @JsonProperty("connect")
    private String connect;
    /** Idle timeout of upstream connections. */
    @Pattern(Schema.DURATION)
    @JsonProperty("idle")
    private String idle;

    public Timeouts() {}

    public String getRequest() { return request; }

    public void setRequest(String request) { this.request = request; }

    /** Fluent setter for builders and tests. */
    public Timeouts withRequest(String request) { this.request = request; return this; }

    public String getConnect() { return connect; }

    public void setConnect(String connect) { this.connect = connect; }

    /** Fluent setter for builders and tests. */
    public Timeouts withConnect(String connect) { this.connect = connect; return this; }

    public String getIdle() { return idle; }

    public void setIdle(String idle) { this.idle = idle; }

    /** Fluent setter for builders and tests. */
    public Timeouts withIdle(String idle) { this.idle = idle; return this; }

    @Override
    public boolean equals(Object o) {
      if (this == o) return true;
      if (!(o instanceof Timeouts that)) return false;
      return Objects.equals(request, that.request) && Objects.equals(connect, that.connect) && Objects.equals(idle, that.idle);
    }

    @Override
    public int hashCode() { return Objects.hash(request, connect, idle); }

    @Override
    public String toString() { return "Timeouts{" + "request=" + request + ", " + "connect=" + connect + ", " + "idle=" + idle + "}"; }
  }

  /** Retry policy of a route toward the target. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"attempts", "perTryTimeout", "retryOn", "retriableStatusCodes", "backoff", "budget"})
  public static final class Retries {
    /** Retries after the first try. */
    @Min(0)
    @JsonProperty("attempts")
    private Integer attempts;
    /** Timeout of each try (duration). */
    @Pattern(Schema.DURATION)
    @JsonProperty("perTryTimeout")
    private String perTryTimeout;
    /** Conditions that trigger a retry, Envoy's x-envoy-retry-on names. */
    @Size(max = 6)
    @ValidationRule(value = Schema.RETRY_ON_RULE, message = Schema.RETRY_ON_MESSAGE)
    @JsonProperty("retryOn")
    private List<String> retryOn;
    /** Status codes retried with retriable-status-codes. */
    @Size(max = 32)
    @ValidationRule(value = Schema.STATUS_CODES_RULE, message = Schema.STATUS_CODES_MESSAGE)
    @JsonProperty("retriableStatusCodes")
    private List<Integer> retriableStatusCodes;
    /** Back-off between retries. */
    @JsonProperty("backoff")
    private Backoff backoff;
    /** Retries may add at most this share of active requests. */
    @JsonProperty("budget")
    private Budget budget;

    public Retries() {}

    public Integer getAttempts() { return attempts; }

    public void setAttempts(Integer attempts) { this.attempts = attempts; }

    /** Fluent setter for builders and tests. */
    public Retries withAttempts(Integer attempts) { this.attempts = attempts; return this; }

    public String getPerTryTimeout() { return perTryTimeout; }

    public void setPerTryTimeout(String perTryTimeout) { this.perTryTimeout = perTryTimeout; }

    /** Fluent setter for builders and tests. */
    public Retries withPerTryTimeout(String perTryTimeout) { this.perTryTimeout = perTryTimeout; return this; }

    public List<String> getRetryOn() { return retryOn; }

    public void setRetryOn(List<String> retryOn) { this.retryOn = retryOn; }

    /** Fluent setter for builders and tests. */
    public Retries withRetryOn(List<String> retryOn) { this.retryOn = retryOn; return this; }

    public List<Integer> getRetriableStatusCodes() { return retriableStatusCodes; }

    public void setRetriableStatusCodes(List<Integer> retriableStatusCodes) { this.retriableStatusCodes = retriableStatusCodes; }

    /** Fluent setter for builders and tests. */
    public Retries withRetriableStatusCodes(List<Integer> retriableStatusCodes) { this.retriableStatusCodes = retriableStatusCodes; return this; }

    public Backoff getBackoff() { return backoff; }

    public void setBackoff(Backoff backoff) { this.backoff = backoff; }

    /** Fluent setter for builders and tests. */
    public Retries withBackoff(Backoff backoff) { this.backoff = backoff; return this; }

    public Budget getBudget() { return budget; }

    public void setBudget(Budget budget) { this.budget = budget; }

    /** Fluent setter for builders and tests. */
    public Retries withBudget(Budget budget) { this.budget = budget; return this; }

    @Override
    public boolean equals(Object o) {
      if (this == o) return true;
      if (!(o instanceof Retries that)) return false;
      return Objects.equals(attempts, that.attempts) && Objects.equals(perTryTimeout, that.perTryTimeout) && Objects.equals(retryOn, that.retryOn) && Objects.equals(retriableStatusCodes, that.retriableStatusCodes) && Objects.equals(backoff, that.backoff) && Objects.equals(budget, that.budget);
    }

    @Override
    public int hashCode() { return Objects.hash(attempts, perTryTimeout, retryOn, retriableStatusCodes, backoff, budget); }

    @Override
    public String toString() { return "Retries{" + "attempts=" + attempts + ", " + "perTryTimeout=" + perTryTimeout + ", " + "retryOn=" + retryOn + ", " + "retriableStatusCodes=" + retriableStatusCodes + ", " + "backoff=" + backoff + ", " + "budget=" + budget + "}"; }

    /** Exponential back-off with jitter. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"baseInterval", "maxInterval"})
    public static final class Backoff {
      /** First interval (duration). */
      @Pattern(Schema.DURATION)
      @JsonProperty("baseInterval")
      private String baseInterval;
      /** Cap on the interval (duration). */
      @Pattern(Schema.DURATION)
      @JsonProperty("maxInterval")
      private String maxInterval;

      public Backoff() {}

      public String getBaseInterval() { return baseInterval; }

      public void setBaseInterval(String baseInterval) { this.baseInterval = baseInterval; }

      /** Fluent setter for builders and tests. */
      public Backoff withBaseInterval(String baseInterval) { this.baseInterval = baseInterval; return this; }

      public String getMaxInterval() { return maxInterval; }

      public void setMaxInterval(String maxInterval) { this.maxInterval = maxInterval; }

      /** Fluent setter for builders and tests. */
      public Backoff withMaxInterval(String maxInterval) { this.maxInterval = maxInterval; return this; }

      @Override
      public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Backoff that)) return false;
        return Objects.equals(baseInterval, that.baseInterval) && Objects.equals(maxInterval, that.maxInterval);
      }

      @Override
      public int hashCode() { return Objects.hash(baseInterval, maxInterval); }

      @Override
      public String toString() { return "Backoff{" + "baseInterval=" + baseInterval + ", " + "maxInterval=" + maxInterval + "}"; }
    }

    /** Retry budget (Envoy circuit_breakers.thresholds.retry_budget). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"percent", "minRetryConcurrency"})
    public static final class Budget {
      /** Retries as a percentage of active requests, 0-100. */
      @Min(0)
      @Max(100)
      @JsonProperty("percent")
      private Integer percent;
      /** Retries always allowed, whatever the percentage. */
      @Min(0)
      @JsonProperty("minRetryConcurrency")
      private Integer minRetryConcurrency;

      public Budget() {}

      public Integer getPercent() { return percent; }

      public void setPercent(Integer percent) { this.percent = percent; }

      /** Fluent setter for builders and tests. */
      public Budget withPercent(Integer percent) { this.percent = percent; return this; }

      public Integer getMinRetryConcurrency() { return minRetryConcurrency; }

      public void setMinRetryConcurrency(Integer minRetryConcurrency) { this.minRetryConcurrency = minRetryConcurrency; }

      /** Fluent setter for builders and tests. */
      public Budget withMinRetryConcurrency(Integer minRetryConcurrency) { this.minRetryConcurrency = minRetryConcurrency; return this; }

      @Override
      public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Budget that)) return false;
        return Objects.equals(percent, that.percent) && Objects.equals(minRetryConcurrency, that.minRetryConcurrency);
      }

      @Override
      public int hashCode() { return Objects.hash(percent, minRetryConcurrency); }

      @Override
      public String toString() { return "Budget{" + "percent=" + percent + ", " + "minRetryConcurrency=" + minRetryConcurrency + "}"; }
    }
  }

  /**
   * Active HTTP health check of each host. The fields carry {@code @JsonPropertyDescription} (not
   * Javadoc) so that the CRD schema describes them; interval fields map to Envoy's names in
   * {@code Cluster.health_checks[0]}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"path", "interval", "timeout", "healthyThreshold", "unhealthyThreshold", "unhealthyInterval", "unhealthyEdgeInterval", "healthyEdgeInterval", "noTrafficInterval", "noTrafficHealthyInterval", "intervalJitter"})
  public static final class HealthCheck {
    @Pattern(Schema.PATH)
    @JsonProperty("path")
    @JsonPropertyDescription("Path each check requests (absolute). Default: /.")
    private String path;
    @Pattern(Schema.DURATION)
    @JsonProperty("interval")
    @JsonPropertyDescription("Wait between checks of a healthy host once the cluster carried traffic (duration > 0, e.g. 5s). Envoy's interval; default: 5s.")
    private String interval;
    @Pattern(Schema.DURATION)
    @JsonProperty("timeout")
    @JsonPropertyDescription("Timeout of one check (duration > 0). Default: 1s.")
    private String timeout;
    @Min(1)
    @JsonProperty("healthyThreshold")
    @JsonPropertyDescription("Passed checks in a row before a failed host is healthy again. Default: 2.")
    private Integer healthyThreshold;
    @Min(1)
    @JsonProperty("unhealthyThreshold")
    @JsonPropertyDescription("Failed checks in a row before a healthy host is marked failed (an answer other than 200 marks it at once). Default: 3.")
    private Integer unhealthyThreshold;
    @Pattern(Schema.DURATION)
    @JsonProperty("unhealthyInterval")
    @JsonPropertyDescription("Wait after a failed check of a host already marked failed, or just marked by it, to probe dead hosts more slowly (duration > 0). Envoy's unhealthy_interval; default: interval.")
    private String unhealthyInterval;
    @Pattern(Schema.DURATION)
    @JsonProperty("unhealthyEdgeInterval")
    @JsonPropertyDescription("Wait after a failed check of a host still healthy, fewer than unhealthyThreshold failures in a row (duration > 0). Envoy's unhealthy_edge_interval; default: unhealthyInterval.")
    private String unhealthyEdgeInterval;
    @Pattern(Schema.DURATION)
    @JsonProperty("healthyEdgeInterval")
    @JsonPropertyDescription("Wait after a passed check of a host still failed, fewer than healthyThreshold passes in a row (duration > 0). Envoy's healthy_edge_interval; default: interval.")
    private String healthyEdgeInterval;
    @Pattern(Schema.DURATION)
    @JsonProperty("noTrafficInterval")
    @JsonPropertyDescription("Wait after a check until the cluster carries its first request, unless noTrafficHealthyInterval applies (duration > 0). Envoy's no_traffic_interval; default: 60s.")
    private String noTrafficInterval;
    @Pattern(Schema.DURATION)
    @JsonProperty("noTrafficHealthyInterval")
    @JsonPropertyDescription("Wait after a passed check that leaves the host healthy, until the cluster carries its first request (duration > 0). Envoy's no_traffic_healthy_interval; default: noTrafficInterval.")
    private String noTrafficHealthyInterval;
    @Pattern(Schema.DURATION)
    @JsonProperty("intervalJitter")
    @JsonPropertyDescription("Random extra wait, up to this, added to every wait between checks (duration >= 0). Envoy's interval_jitter; default: 0.")
    private String intervalJitter;

    public HealthCheck() {}

    public String getPath() { return path; }

    public void setPath(String path) { this.path = path; }

    /** Fluent setter for builders and tests. */
    public HealthCheck withPath(String path) { this.path = path; return this; }

    public String getInterval() { return interval; }

    public void setInterval(String interval) { this.interval = interval; }

    /** Fluent setter for builders and tests. */
    public HealthCheck withInterval(String interval) { this.interval = interval; return this; }

    public String getTimeout() { return timeout; }

    public void setTimeout(String timeout) { this.timeout = timeout; }

    /** Fluent setter for builders and tests. */
    public HealthCheck withTimeout(String timeout) { this.timeout = timeout; return this; }

    public Integer getHealthyThreshold() { return healthyThreshold; }

    public void setHealthyThreshold(Integer healthyThreshold) { this.healthyThreshold = healthyThreshold; }

    /** Fluent setter for builders and tests. */
    public HealthCheck withHealthyThreshold(Integer healthyThreshold) { this.healthyThreshold = healthyThreshold; return this; }

    public Integer getUnhealthyThreshold() { return unhealthyThreshold; }

    public void setUnhealthyThreshold(Integer unhealthyThreshold) { this.unhealthyThreshold = unhealthyThreshold; }

    /** Fluent setter for builders and tests. */
    public HealthCheck withUnhealthyThreshold(Integer unhealthyThreshold) { this.unhealthyThreshold = unhealthyThreshold; return this; }

    public String getUnhealthyInterval() { return unhealthyInterval; }

    public void setUnhealthyInterval(String unhealthyInterval) { this.unhealthyInterval = unhealthyInterval; }

    /** Fluent setter for builders and tests. */
    public HealthCheck withUnhealthyInterval(String unhealthyInterval) { this.unhealthyInterval = unhealthyInterval; return this; }

    public String getUnhealthyEdgeInterval() { return unhealthyEdgeInterval; }

    public void setUnhealthyEdgeInterval(String unhealthyEdgeInterval) { this.unhealthyEdgeInterval = unhealthyEdgeInterval; }

    /** Fluent setter for builders and tests. */
    public HealthCheck withUnhealthyEdgeInterval(String unhealthyEdgeInterval) { this.unhealthyEdgeInterval = unhealthyEdgeInterval; return this; }

    public String getHealthyEdgeInterval() { return healthyEdgeInterval; }

    public void setHealthyEdgeInterval(String healthyEdgeInterval) { this.healthyEdgeInterval = healthyEdgeInterval; }

    /** Fluent setter for builders and tests. */
    public HealthCheck withHealthyEdgeInterval(String healthyEdgeInterval) { this.healthyEdgeInterval = healthyEdgeInterval; return this; }

    public String getNoTrafficInterval() { return noTrafficInterval; }

    public void setNoTrafficInterval(String noTrafficInterval) { this.noTrafficInterval = noTrafficInterval; }

    /** Fluent setter for builders and tests. */
    public HealthCheck withNoTrafficInterval(String noTrafficInterval) { this.noTrafficInterval = noTrafficInterval; return this; }

    public String getNoTrafficHealthyInterval() { return noTrafficHealthyInterval; }

    public void setNoTrafficHealthyInterval(String noTrafficHealthyInterval) { this.noTrafficHealthyInterval = noTrafficHealthyInterval; }

    /** Fluent setter for builders and tests. */
    public HealthCheck withNoTrafficHealthyInterval(String noTrafficHealthyInterval) { this.noTrafficHealthyInterval = noTrafficHealthyInterval; return this; }

    public String getIntervalJitter() { return intervalJitter; }

    public void setIntervalJitter(String intervalJitter) { this.intervalJitter = intervalJitter; }

    /** Fluent setter for builders and tests. */
    public HealthCheck withIntervalJitter(String intervalJitter) { this.intervalJitter = intervalJitter; return this; }

    @Override
    public boolean equals(Object o) {
      if (this == o) return true;
      if (!(o instanceof HealthCheck that)) return false;
      return Objects.equals(path, that.path) && Objects.equals(interval, that.interval) && Objects.equals(timeout, that.timeout) && Objects.equals(healthyThreshold, that.healthyThreshold) && Objects.equals(unhealthyThreshold, that.unhealthyThreshold) && Objects.equals(unhealthyInterval, that.unhealthyInterval) && Objects.equals(unhealthyEdgeInterval, that.unhealthyEdgeInterval) && Objects.equals(healthyEdgeInterval, that.healthyEdgeInterval) && Objects.equals(noTrafficInterval, that.noTrafficInterval) && Objects.equals(noTrafficHealthyInterval, that.noTrafficHealthyInterval) && Objects.equals(intervalJitter, that.intervalJitter);
    }

    @Override
    public int hashCode() { return Objects.hash(path, interval, timeout, healthyThreshold, unhealthyThreshold, unhealthyInterval, unhealthyEdgeInterval, healthyEdgeInterval, noTrafficInterval, noTrafficHealthyInterval, intervalJitter); }

    @Override
    public String toString() { return "HealthCheck{" + "path=" + path + ", " + "interval=" + interval + ", " + "timeout=" + timeout + ", " + "healthyThreshold=" + healthyThreshold + ", " + "unhealthyThreshold=" + unhealthyThreshold + ", " + "unhealthyInterval=" + unhealthyInterval + ", " + "unhealthyEdgeInterval=" + unhealthyEdgeInterval + ", " + "healthyEdgeInterval=" + healthyEdgeInterval + ", " + "noTrafficInterval=" + noTrafficInterval + ", " + "noTrafficHealthyInterval=" + noTrafficHealthyInterval + ", " + "intervalJitter=" + intervalJitter + "}"; }
  }

  /** Ejection of hosts that fail. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"consecutive5xx", "consecutiveGatewayFailure", "interval", "baseEjectionTime", "maxEjectionPercent"})
  public static final class OutlierDetection {
    /** Consecutive 5xx responses that eject a host. */
    @Min(0)
    @JsonProperty("consecutive5xx")
    private Integer consecutive5xx;
    /** Consecutive 502/503/504 or connect failures that eject a host. */
    @Min(0)
    @JsonProperty("consecutiveGatewayFailure")
    private Integer consecutiveGatewayFailure;
    /** Time between ejection sweeps (duration). */
    @Pattern(Schema.DURATION)
    @JsonProperty("interval")
    private String interval;
    /** Base ejection time, multiplied by the number of ejections (duration). */
    @Pattern(Schema.DURATION)
    @JsonProperty("baseEjectionTime")
    private String baseEjectionTime;
    /** At most this percentage of hosts is ejected, 0-100. */
    @Min(0)
    @Max(100)
    @JsonProperty("maxEjectionPercent")
    private Integer maxEjectionPercent;

    public OutlierDetection() {}

    public Integer getConsecutive5xx() { return consecutive5xx; }

    public void setConsecutive5xx(Integer consecutive5xx) { this.consecutive5xx = consecutive5xx; }

    /** Fluent setter for builders and tests. */
    public OutlierDetection withConsecutive5xx(Integer consecutive5xx) { this.consecutive5xx = consecutive5xx; return this; }

    public Integer getConsecutiveGatewayFailure() { return consecutiveGatewayFailure; }

    public void setConsecutiveGatewayFailure(Integer consecutiveGatewayFailure) { this.consecutiveGatewayFailure = consecutiveGatewayFailure; }

    /** Fluent setter for builders and tests. */
    public OutlierDetection withConsecutiveGatewayFailure(Integer consecutiveGatewayFailure) { this.consecutiveGatewayFailure = consecutiveGatewayFailure; return this; }

    public String getInterval() { return interval; }

    public void setInterval(String interval) { this.interval = interval; }

    /** Fluent setter for builders and tests. */
    public OutlierDetection withInterval(String interval) { this.interval = interval; return this; }

    public String getBaseEjectionTime() { return baseEjectionTime; }

    public void setBaseEjectionTime(String baseEjectionTime) { this.baseEjectionTime = baseEjectionTime; }

    /** Fluent setter for builders and tests. */
    public OutlierDetection withBaseEjectionTime(String baseEjectionTime) { this.baseEjectionTime = baseEjectionTime; return this; }

    public Integer getMaxEjectionPercent() { return maxEjectionPercent; }

    public void setMaxEjectionPercent(Integer maxEjectionPercent) { this.maxEjectionPercent = maxEjectionPercent; }

    /** Fluent setter for builders and tests. */
    public OutlierDetection withMaxEjectionPercent(Integer maxEjectionPercent) { this.maxEjectionPercent = maxEjectionPercent; return this; }

    @Override
    public boolean equals(Object o) {
      if (this == o) return true;
      if (!(o instanceof OutlierDetection that)) return false;
      return Objects.equals(consecutive5xx, that.consecutive5xx) && Objects.equals(consecutiveGatewayFailure, that.consecutiveGatewayFailure) && Objects.equals(interval, that.interval) && Objects.equals(baseEjectionTime, that.baseEjectionTime) && Objects.equals(maxEjectionPercent, that.maxEjectionPercent);
    }

    @Override
    public int hashCode() { return Objects.hash(consecutive5xx, consecutiveGatewayFailure, interval, baseEjectionTime, maxEjectionPercent); }

    @Override
    public String toString() { return "OutlierDetection{" + "consecutive5xx=" + consecutive5xx + ", " + "consecutiveGatewayFailure=" + consecutiveGatewayFailure + ", " + "interval=" + interval + ", " + "baseEjectionTime=" + baseEjectionTime + ", " + "maxEjectionPercent=" + maxEjectionPercent + "}"; }
  }

  /** Limits toward the target (Envoy circuit_breakers.thresholds, default priority). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"maxConnections", "maxPendingRequests", "maxRequests"})
  public static final class CircuitBreaker {
    /** Maximum upstream connections. */
    @Min(0)
    @JsonProperty("maxConnections")
    private Integer maxConnections;
    /** Maximum requests waiting for a connection. */
    @Min(0)
    @JsonProperty("maxPendingRequests")
    private Integer maxPendingRequests;
    /** Maximum concurrent requests. */
    @Min(0)
    @JsonProperty("maxRequests")
    private Integer maxRequests;

    public CircuitBreaker() {}

    public Integer getMaxConnections() { return maxConnections; }

    public void setMaxConnections(Integer maxConnections) { this.maxConnections = maxConnections; }

    /** Fluent setter for builders and tests. */
    public CircuitBreaker withMaxConnections(Integer maxConnections) { this.maxConnections = maxConnections; return this; }

    public Integer getMaxPendingRequests() { return maxPendingRequests; }

    public void setMaxPendingRequests(Integer maxPendingRequests) { this.maxPendingRequests = maxPendingRequests; }

    /** Fluent setter for builders and tests. */
    public CircuitBreaker withMaxPendingRequests(Integer maxPendingRequests) { this.maxPendingRequests = maxPendingRequests; return this; }

    public Integer getMaxRequests() { return maxRequests; }

    public void setMaxRequests(Integer maxRequests) { this.maxRequests = maxRequests; }

    /** Fluent setter for builders and tests. */
    public CircuitBreaker withMaxRequests(Integer maxRequests) { this.maxRequests = maxRequests; return this; }

    @Override
    public boolean equals(Object o) {
      if (this == o) return true;
      if (!(o instanceof CircuitBreaker that)) return false;
      return Objects.equals(maxConnections, that.maxConnections) && Objects.equals(maxPendingRequests, that.maxPendingRequests) && Objects.equals(maxRequests, that.maxRequests);
    }

    @Override
    public int hashCode() { return Objects.hash(maxConnections, maxPendingRequests, maxRequests); }

    @Override
    public String toString() { return "CircuitBreaker{" + "maxConnections=" + maxConnections + ", " + "maxPendingRequests=" + maxPendingRequests + ", " + "maxRequests=" + maxRequests + "}"; }
  }
}
