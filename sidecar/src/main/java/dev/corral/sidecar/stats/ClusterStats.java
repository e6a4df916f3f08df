package dev.corral.sidecar.stats;

import dev.corral.sidecar.stats.report.ServiceStatsRecorder;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;

/** One cluster's data points, resolved once so that the request path does no label lookups. */
public final class ClusterStats {
  private final CounterDataPoint[] requestsByClass;
  private final CounterDataPoint resets;
  private final DistributionDataPoint time;
  private final GaugeDataPoint activeRequests;
  private final CounterDataPoint connections;
  private final GaugeDataPoint activeConnections;
  private final CounterDataPoint connectFailures;
  private final CounterDataPoint timeouts;
  private final CounterDataPoint noHost;
  private final SidecarMetrics metrics;
  private final String cluster;
  private final CounterDataPoint requestOverflow;
  private final CounterDataPoint pendingOverflow;
  private final CounterDataPoint connectionOverflow;
  private final CounterDataPoint retryOverflow;
  private final CounterDataPoint retrySuccess;
  private final CounterDataPoint perTryTimeout;
  private final CounterDataPoint panic;
  private final CounterDataPoint collapseLeaders;
  private final CounterDataPoint collapseFollowers;
  private final GaugeDataPoint ejected;
  private final GaugeDataPoint healthy;
  private final GaugeDataPoint total;
  private final ServiceStatsRecorder.Counters service;

  ClusterStats(SidecarMetrics metrics, String cluster) {
    requestsByClass = SidecarMetrics.byClass(metrics.upstreamRequests, cluster);
    resets = metrics.upstreamRequests.labelValues(cluster, "reset");
    time = SidecarMetrics.histogramOf(metrics.upstreamTime, cluster);
    activeRequests = SidecarMetrics.gaugeOf(metrics.upstreamActiveRequests, cluster);
    connections = metrics.upstreamConnections.labelValues(cluster);
    activeConnections = SidecarMetrics.gaugeOf(metrics.upstreamActiveConnections, cluster);
    connectFailures = metrics.upstreamConnectFailures.labelValues(cluster);
    timeouts = metrics.upstreamTimeouts.labelValues(cluster);
    noHost = metrics.noHealthyUpstream.labelValues(cluster);
    this.metrics = metrics;
    this.cluster = cluster;
    requestOverflow = metrics.overflows.labelValues(cluster, "max_requests");
    pendingOverflow = metrics.overflows.labelValues(cluster, "max_pending_requests");
    connectionOverflow = metrics.overflows.labelValues(cluster, "max_connections");
    retryOverflow = metrics.retryOverflows.labelValues(cluster);
    retrySuccess = metrics.retrySuccesses.labelValues(cluster);
    perTryTimeout = metrics.perTryTimeouts.labelValues(cluster);
    panic = metrics.panicPicks.labelValues(cluster);
    collapseLeaders = metrics.collapsed.labelValues(cluster, "leader");
    collapseFollowers = metrics.collapsed.labelValues(cluster, "follower");
    ejected = metrics.ejectedHosts.labelValues(cluster);
    healthy = metrics.healthyHosts.labelValues(cluster);
    total = metrics.totalHosts.labelValues(cluster);
    service = metrics.serviceStats().forCluster(cluster);
  }

  /** The counters of the service this cluster belongs to (cache and collapse count there too). */
  public ServiceStatsRecorder.Counters service() {
    return service;
  }

  /**
   * An exchange routed to this cluster ended as the caller saw it: {@code status} went downstream
   * after {@code nanos}, retries included.
   */
  public void exchangeDone(int status, long nanos) {
    service.requestDone(status, nanos);
  }

  public void requestOverflow() {
    requestOverflow.inc();
  }

  public void pendingOverflow() {
    pendingOverflow.inc();
  }

  public void connectionOverflow() {
    connectionOverflow.inc();
  }

  /** A retry was sent; {@code reason} is a status code or a failure name (bounded set). */
  public void retry(String reason) {
    metrics.retries.labelValues(cluster, reason).inc();
    service.retry();
  }

  public void retryOverflow() {
    retryOverflow.inc();
  }

  public void retrySucceeded() {
    retrySuccess.inc();
  }

  public void perTryTimeout() {
    perTryTimeout.inc();
  }

  /** A request joined collapsed forwarding as the fetch's first subscriber or as a follower. */
  public void collapsed(boolean follower) {
    (follower ? collapseFollowers : collapseLeaders).inc();
    if (follower) {
      service.collapsedFollower();
    }
  }

  /** A shared fetch got its first follower: its leader saved the upstream at least one request. */
  public void collapsedLeaderShared() {
    service.collapsedLeader();
  }

  /** A request passed the HTTP cache: answered from memory ({@code hit}) or not. */
  public void cacheLookup(boolean hit) {
    metrics.cacheLookups.labelValues(cluster, hit ? "hit" : "miss").inc();
    if (hit) {
      service.cacheHit();
    } else {
      service.cacheMiss();
    }
  }

  /** Range coalescing made one upstream Range request, which brought {@code bytes} of body. */
  public void rangeFetch(long bytes) {
    metrics.rangeFetches.labelValues(cluster).inc();
    metrics.rangeFetchBytes.labelValues(cluster).inc(bytes);
  }

  public void panicPick() {
    panic.inc();
  }

  public void ejected(String type) {
    metrics.ejections.labelValues(cluster, type).inc();
    service.ejection();
    ejected.inc();
  }

  public void unejected() {
    metrics.unejections.labelValues(cluster).inc();
    ejected.dec();
  }

  public void healthChecked(boolean success) {
    metrics.healthChecks.labelValues(cluster, success ? "success" : "failure").inc();
  }

  public void healthTransition(boolean nowHealthy) {
    metrics.healthTransitions.labelValues(cluster, nowHealthy ? "healthy" : "unhealthy").inc();
  }

  /** The membership gauges: hosts in total and hosts without a health flag. */
  public void membership(int totalHosts, int healthyHosts) {
    total.set(totalHosts);
    healthy.set(healthyHosts);
  }

  public void requestStarted() {
    activeRequests.inc();
  }

  /** The upstream answered with {@code status}; the exchange took {@code nanos}. */
  public void requestDone(int status, long nanos) {
    activeRequests.dec();
    requestsByClass[Math.min(5, Math.max(0, status / 100))].inc();
    time.observe(nanos / 1e9);
  }

  /** The upstream connection or stream broke before the response ended. */
  public void requestReset() {
    activeRequests.dec();
    resets.inc();
  }

  public void connectionOpened() {
    connections.inc();
    activeConnections.inc();
  }

  public void connectionClosed() {
    activeConnections.dec();
  }

  public void connectFailed() {
    connectFailures.inc();
  }

  public void timedOut() {
    timeouts.inc();
  }

  public void noHost() {
    noHost.inc();
  }
}
