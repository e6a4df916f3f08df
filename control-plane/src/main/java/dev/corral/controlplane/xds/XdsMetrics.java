package dev.corral.controlplane.xds;

import static java.util.Objects.requireNonNull;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The ADS server's metrics, declared once here and registered in one registry. */
public final class XdsMetrics {
  public static final String CONNECTED_SIDECARS = "corral_xds_connected_sidecars";
  public static final String PUSHES = "corral_xds_pushes_total";
  public static final String PUSH_LATENCY = "corral_xds_push_latency_seconds";
  public static final String NACKS = "corral_xds_nacks_total";
  public static final String SEND_FAILURES = "corral_xds_send_failures_total";
  public static final String SUPERSEDED = "corral_xds_responses_superseded_total";
  public static final String SNAPSHOTS = "corral_xds_snapshots_total";
  public static final String SNAPSHOTS_REFUSED = "corral_xds_snapshots_refused_total";

  private final PrometheusRegistry registry;
  final Gauge connectedSidecars;
  final Counter pushes;
  final Histogram pushLatency;
  final Counter nacks;
  final Counter sendFailures;
  final Counter superseded;
  final Counter snapshots;
  final Counter snapshotsRefused;

  public XdsMetrics(PrometheusRegistry registry) {
    this.registry = requireNonNull(registry, "registry");
    connectedSidecars = Gauge.builder().name(CONNECTED_SIDECARS)
        .help("ADS streams with a known node").register(registry);
    pushes = Counter.builder().name(PUSHES).labelNames("type")
        .help("DiscoveryResponses sent, by xDS type").register(registry);
    pushLatency = Histogram.builder().name(PUSH_LATENCY).labelNames("type")
        .help("Time from publish() of a version (or the sidecar subscribing, if later) "
            + "to its ACK")
        .classicOnly()
        .classicUpperBounds(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30)
        .register(registry);
    nacks = Counter.builder().name(NACKS).labelNames("type")
        .help("DiscoveryRequests that rejected a response, by xDS type").register(registry);
    sendFailures = Counter.builder().name(SEND_FAILURES).labelNames("type")
        .help("Responses that could not be sent (e.g. no direct memory to serialize them); "
            + "each failed its stream with UNAVAILABLE, and the sidecar reconnects")
        .register(registry);
    superseded = Counter.builder().name(SUPERSEDED).labelNames("type")
        .help("Responses never sent because a newer one of the type replaced them while the "
            + "stream was not ready (gRPC flow control)")
        .register(registry);
    snapshots = Counter.builder().name(SNAPSHOTS)
        .help("Snapshots handed to the cache").register(registry);
    snapshotsRefused = Counter.builder().name(SNAPSHOTS_REFUSED)
        .help("publish() calls refused as inconsistent").register(registry);
  }

  /** Metrics in a registry of their own, for tests and embedded use. */
  public static XdsMetrics standalone() {
    return new XdsMetrics(new PrometheusRegistry());
  }

  public PrometheusRegistry registry() {
    return registry;
  }
}
