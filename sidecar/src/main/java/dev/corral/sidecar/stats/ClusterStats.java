package dev.corral.sidecar.stats;

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
