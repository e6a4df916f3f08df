package dev.corral.controlplane;

import static java.util.Objects.requireNonNull;

import dev.corral.api.WellKnown;
import dev.corral.controlplane.http.ApiHandler;
import dev.corral.controlplane.http.ApiResponse;
import dev.corral.controlplane.http.ApiRoutes;
import dev.corral.controlplane.http.ApiServer;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.model.MeshModelSource;
import dev.corral.controlplane.stats.StatsAggregator;
import dev.corral.controlplane.stats.StatsJson;
import dev.corral.controlplane.stats.StatsMetrics;
import dev.corral.controlplane.stats.StatsServiceImpl;
import dev.corral.controlplane.translate.PlacementFilters;
import dev.corral.controlplane.xds.AckTracker;
import dev.corral.controlplane.xds.SnapshotPublisher;
import dev.corral.controlplane.xds.XdsMetrics;
import dev.corral.controlplane.xds.XdsServer;
import dev.corral.controlplane.xds.XdsType;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane, assembled around one {@link MeshModelSource}: model → {@link MeshPublisher}
 * (translation per node group) → ADS on the xDS port (which also takes the sidecars' stats
 * reports), and the HTTP API. Local mode ({@link ControlPlaneMain}) and the in-cluster controller
 * (the operator module) differ only in the source and in the extra HTTP routes they add.
 */
public final class ControlPlane implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

  private final MeshModelSource source;
  private final PrometheusRegistry registry;
  private final StatsAggregator stats;
  private final MeshPublisher mesh;
  private final SnapshotPublisher publisher;
  private final AckTracker tracker;
  private final XdsServer xds;
  private final ApiServer api;

  private ControlPlane(Builder b) {
    this.source = requireNonNull(b.source, "source");
    this.registry = b.registry;
    XdsMetrics xdsMetrics = new XdsMetrics(registry);
    Duration window = b.statsWindow;
    Duration bucket = window.compareTo(StatsAggregator.DEFAULT_BUCKET.multipliedBy(2)) >= 0
        ? StatsAggregator.DEFAULT_BUCKET : Duration.ofMillis(Math.max(100, window.toMillis() / 5));
    this.stats = StatsAggregator.create(window, bucket, System::currentTimeMillis);
    StatsMetrics.register(registry, stats);

    this.mesh = new MeshPublisher(b.placementFilters);
    this.publisher = SnapshotPublisher.builder().nodeGroup(mesh).metrics(xdsMetrics).build();
    mesh.attach(publisher);
    this.tracker = new AckTracker();
    this.xds = XdsServer.builder(publisher).host(b.address).port(b.xdsPort).tracker(tracker)
        .policies(mesh.policies())
        .addService(new StatsServiceImpl(stats))
        .build();
    ApiServer.Builder api = ApiServer.builder().host(b.address).port(b.httpPort)
        .get(ApiServer.STATS, request -> new ApiResponse(200, ApiResponse.JSON,
            StatsJson.toJson(stats.view()).getBytes(StandardCharsets.UTF_8)))
        .get(ApiServer.XDS, ApiRoutes.xdsStatus(tracker))
        .get(ApiServer.METRICS, ApiRoutes.prometheus(registry));
    b.routes.forEach((path, route) -> api.get(path, route.handler(this)));
    this.api = api.build();
  }

  public static Builder builder(MeshModelSource source) {
    return new Builder(source);
  }

  /** Loads the model first (so the first sidecar is answered from it), then opens both servers. */
  public ControlPlane start() throws InterruptedException {
    source.start(mesh::onModel);
    xds.start();
    api.start();
    log.info("corral control-plane: ADS and stats on port {} · HTTP on port {}", xds.port(), api.port());
    return this;
  }

  /** Stops taking model changes, closes the HTTP API, gives open ADS streams {@code grace}. */
  public void drain(Duration grace) throws InterruptedException {
    source.stop();
    api.close();
    xds.shutdown(grace);
    publisher.close();
  }

  @Override
  public void close() {
    source.stop();
    api.close();
    xds.close();
    publisher.close();
  }

  public MeshModelSource source() {
    return source;
  }

  public MeshModel model() {
    return mesh.model();
  }

  public AckTracker tracker() {
    return tracker;
  }

  /**
   * How far the model in force has reached the sidecars connected to this control plane.
   *
   * @param model the model in force
   * @param sidecars connected sidecars (ADS streams)
   * @param current those that ACKed, for every xDS type they were sent, the versions their group
   *     serves, translated from {@code model} or a later one
   * @param rejected policies some sidecar rejects, by policy id ({@code namespace/Kind/name})
   */
  public record Sync(MeshModel model, int sidecars, int current, Map<String, AckTracker.Nack> rejected) {
    public Sync {
      rejected = Map.copyOf(rejected);
    }
  }

  /** Where the model in force stands with the connected sidecars: for policy status (Programmed). */
  public Sync sync() {
    MeshPublisher.InForce inForce = mesh.inForce();
    List<AckTracker.SidecarStatus> sidecars = tracker.status();
    int current = 0;
    for (AckTracker.SidecarStatus s : sidecars) {
      if (isCurrent(s, inForce.sequence())) {
        current++;
      }
    }
    return new Sync(inForce.model(), sidecars.size(), current, tracker.rejectedPolicies());
  }

  private boolean isCurrent(AckTracker.SidecarStatus sidecar, long sequence) {
    OptionalLong served = publisher.servedSequence(sidecar.group());
    Optional<SnapshotPublisher.GroupVersions> versions = publisher.versions(sidecar.group());
    // Every ADS client asks for clusters and listeners; EDS and RDS follow when they use them.
    if (served.isEmpty() || served.getAsLong() < sequence || versions.isEmpty()
        || !sidecar.types().containsKey(XdsType.CDS.name()) || !sidecar.types().containsKey(XdsType.LDS.name())) {
      return false;
    }
    for (Map.Entry<String, AckTracker.TypeStatus> e : sidecar.types().entrySet()) {
      String published = versions.get().versions().get(XdsType.valueOf(e.getKey()));
      if (published == null || !published.equals(e.getValue().ackedVersion())) {
        return false;
      }
    }
    return true;
  }

  public SnapshotPublisher publisher() {
    return publisher;
  }

  public StatsAggregator stats() {
    return stats;
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public int xdsPort() {
    return xds.port();
  }

  public int httpPort() {
    return api.port();
  }

  /** An HTTP route that needs the assembled control plane (its tracker, model or stats). */
  @FunctionalInterface
  public interface Route {
    ApiHandler handler(ControlPlane controlPlane);
  }

  public static final class Builder {
    private final MeshModelSource source;
    private final Map<String, Route> routes = new LinkedHashMap<>();
    private PrometheusRegistry registry = new PrometheusRegistry();
    private PlacementFilters placementFilters = PlacementFilters.none();
    private String address = "0.0.0.0";
    private int xdsPort = WellKnown.CONTROL_PLANE_ADS_PORT;
    private int httpPort = WellKnown.CONTROL_PLANE_HTTP_PORT;
    private Duration statsWindow = Duration.ofSeconds(30);

    private Builder(MeshModelSource source) {
      this.source = requireNonNull(source, "source");
    }

    /** The address both servers bind. */
    public Builder address(String address) {
      this.address = requireNonNull(address, "address");
      return this;
    }

    /** 0 picks a free port. */
    public Builder xdsPort(int port) {
      this.xdsPort = port;
      return this;
    }

    /** 0 picks a free port. */
    public Builder httpPort(int port) {
      this.httpPort = port;
      return this;
    }

    public Builder statsWindow(Duration window) {
      this.statsWindow = window.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : window;
      return this;
    }

    public Builder placementFilters(PlacementFilters filters) {
      this.placementFilters = requireNonNull(filters, "filters");
      return this;
    }

    public Builder registry(PrometheusRegistry registry) {
      this.registry = requireNonNull(registry, "registry");
      return this;
    }

    /** Adds (or replaces) {@code GET path}. */
    public Builder get(String path, Route route) {
      routes.put(requireNonNull(path, "path"), requireNonNull(route, "route"));
      return this;
    }

    public ControlPlane build() {
      return new ControlPlane(this);
    }
  }
}
