package dev.corral.sidecar.stats;

/** The xDS client's view of {@link SidecarMetrics}: stream state, accepted and refused updates. */
public final class XdsStats {
  private final SidecarMetrics metrics;

  XdsStats(SidecarMetrics metrics) {
    this.metrics = metrics;
    metrics.xdsConnected.set(0);
  }

  public void connected(boolean up) {
    metrics.xdsConnected.set(up ? 1 : 0);
  }

  /** {@code type}: lds, rds, cds or eds. */
  public void accepted(String type) {
    metrics.xdsUpdates.labelValues(type).inc();
  }

  public void rejected(String type) {
    metrics.xdsRejections.labelValues(type).inc();
  }
}
