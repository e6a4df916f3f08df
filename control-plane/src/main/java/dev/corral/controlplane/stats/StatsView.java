package dev.corral.controlplane.stats;

import java.time.Duration;
import java.util.List;

/**
 * The aggregated stats at one moment: every service seen in the window, sorted by service and
 * direction, the calls between services (sorted by source and destination), and how many
 * sidecars reported.
 */
public record StatsView(long asOfUnixMs, Duration window, int sidecars, List<ServiceSummary> services,
    List<EdgeSummary> edges) {
  public StatsView {
    services = List.copyOf(services);
    edges = List.copyOf(edges);
  }
}
