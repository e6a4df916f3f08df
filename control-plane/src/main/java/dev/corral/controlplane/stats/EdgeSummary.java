package dev.corral.controlplane.stats;

import static java.util.Objects.requireNonNull;

/**
 * Calls from one service to another over the aggregation window, as the callers' sidecars counted
 * them (their outbound side): who calls whom.
 *
 * @param source the calling service (the reporting sidecar's {@code node.cluster})
 * @param destination the called service
 * @param stats the golden metrics of these calls ({@code service} is the destination)
 */
public record EdgeSummary(String source, String destination, ServiceSummary stats) {
  public EdgeSummary {
    requireNonNull(source, "source");
    requireNonNull(destination, "destination");
    requireNonNull(stats, "stats");
  }
}
