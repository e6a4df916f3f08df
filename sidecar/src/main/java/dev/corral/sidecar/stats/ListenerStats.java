package dev.corral.sidecar.stats;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;

/** One listener's data points, resolved once so that the request path does no label lookups. */
public final class ListenerStats {
  private final SidecarMetrics metrics;
  private final String listener;
  private final CounterDataPoint[] requestsByClass;
  private final DistributionDataPoint time;
  private final CounterDataPoint connections;
  private final GaugeDataPoint activeConnections;

  ListenerStats(SidecarMetrics metrics, String listener) {
    this.metrics = metrics;
    this.listener = listener;
    this.requestsByClass = SidecarMetrics.byClass(metrics.downstreamRequests, listener);
    this.time = SidecarMetrics.histogramOf(metrics.downstreamTime, listener);
    this.connections = metrics.downstreamConnections.labelValues(listener);
    this.activeConnections = SidecarMetrics.gaugeOf(metrics.downstreamActiveConnections, listener);
  }

  public void requestDone(int status, long nanos) {
    requestsByClass[Math.min(5, Math.max(0, status / 100))].inc();
    time.observe(nanos / 1e9);
  }

  public void connectionOpened() {
    connections.inc();
    activeConnections.inc();
  }

  public void connectionClosed() {
    activeConnections.dec();
  }

  /** A request refused before routing; also counted as a downstream response of that status. */
  public void rejected(int status) {
    metrics.downstreamProtocolErrors.labelValues(listener, Integer.toString(status)).inc();
    requestsByClass[status / 100].inc();
  }
}
