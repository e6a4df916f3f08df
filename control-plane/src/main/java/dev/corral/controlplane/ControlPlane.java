package dev.corral.controlplane;

import static java.util.Objects.requireNonNull;

import dev.corral.api.WellKnown;
import dev.corral.controlplane.dashboard.Dashboard;
import dev.corral.controlplane.http.ApiHandler;
import dev.corral.controlplane.http.ApiRoutes;
import dev.corral.controlplane.http.ApiServer;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.model.Endpoint;
import dev.corral.controlplane.model.MeshModelSource;
import dev.corral.controlplane.model.ServiceKey;
import dev.corral.controlplane.status.PolicyState;
import dev.corral.controlplane.status.PolicyStatuses;
import dev.corral.controlplane.status.XdsSync;
import dev.corral.controlplane.stats.StatsAggregator;
import dev.corral.controlplane.stats.StatsHistory;
import dev.corral.controlplane.stats.StatsJson;
import dev.corral.controlplane.stats.StatsMetrics;
import dev.corral.controlplane.stats.StatsServiceImpl;
import dev.corral.controlplane.translate.PlacementFilters;
import dev.corral.controlplane.translate.PolicyIndex;
import dev.corral.controlplane.xds.AckTracker;
import dev.corral.controlplane.xds.SnapshotPublisher;
import dev.corral.controlplane.xds.XdsMetrics;
import dev.corral.controlplane.xds.XdsServer;
import dev.corral.controlplane.xds.XdsType;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
  private final StatsHistory history;
  private final ScheduledExecutorService historySampler;
  private final MeshPublisher mesh;
  private final SnapshotPublisher publisher;
  private final AckTracker tracker;
  private final XdsServer xds;
  private final ApiServer api;
  private final String mode;
  private final String sourceDescription;
  private final Supplier<@Nullable Crds> crds;

  /**
   * {@code GET /api/v1/info}: what this control plane is, for {@code corralctl check}.
   *
   * @param mode {@code local} or {@code kubernetes}
   * @param source the manifests folder, or the API server
   * @param crds null when CRDs do not apply (local mode); else which are installed
   */
  public record Info(String mode, String source, double statsWindowSeconds, @Nullable Crds crds) {}

  /** The Corral CRDs found on the API server ({@code balancepolicies.corral.dev}, …) and those missing. */
  public record Crds(List<String> present, List<String> missing) {
    public Crds {
      present = List.copyOf(present);
      missing = List.copyOf(missing);
    }
  }

  private ControlPlane(Builder b) {
    this.source = requireNonNull(b.source, "source");
    this.registry = b.registry;
    XdsMetrics xdsMetrics = new XdsMetrics(registry);
    Duration window = b.statsWindow;
    Duration bucket = window.compareTo(StatsAggregator.DEFAULT_BUCKET.multipliedBy(2)) >= 0
        ? StatsAggregator.DEFAULT_BUCKET : Duration.ofMillis(Math.max(100, window.toMillis() / 5));
    this.stats = StatsAggregator.create(window, bucket, System::currentTimeMillis);
    StatsMetrics.register(registry, stats);
    this.history = StatsHistory.create(StatsHistory.DEFAULT_SPAN, bucket);
    this.historySampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "corral-stats-history");
      t.setDaemon(true);
      return t;
    });

    this.mesh = new MeshPublisher(b.placementFilters);
    this.publisher = SnapshotPublisher.builder().nodeGroup(mesh).metrics(xdsMetrics).build();
    mesh.attach(publisher);
    this.tracker = new AckTracker();
    this.xds = XdsServer.builder(publisher).host(b.address).port(b.xdsPort).tracker(tracker)
        .policies(mesh.policies())
        .addService(new StatsServiceImpl(stats))
        .build();
    this.mode = b.mode;
    this.sourceDescription = b.sourceDescription;
    this.crds = b.crds;
    ApiServer.Builder api = ApiServer.builder().host(b.address).port(b.httpPort)
        .get(ApiServer.STATS, ApiRoutes.stats(stats, this::pods))
        .get(ApiServer.XDS, ApiRoutes.xdsStatus(tracker, publisher))
        .get(ApiServer.POLICIES, ApiRoutes.json(() -> Map.of("policies", policyStatuses())))
        .get(ApiServer.PROBLEMS, ApiRoutes.json(() -> Map.of("problems", source.problems())))
        .get(ApiServer.INFO, ApiRoutes.json(this::info))
        .get(ApiServer.STATS_HISTORY, ApiRoutes.statsHistory(history))
        .get(ApiServer.METRICS, ApiRoutes.prometheus(registry));
    Dashboard.register(api);
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
    long every = history.interval().toMillis();
    historySampler.scheduleAtFixedRate(this::sampleStats, 0, every, TimeUnit.MILLISECONDS);
    api.start();
    log.info("corral control-plane: ADS and stats on port {} · HTTP on port {}", xds.port(), api.port());
    return this;
  }

  private void sampleStats() {
    try {
      history.record(stats.view());
    } catch (RuntimeException e) {
      log.warn("stats history sample failed", e);
    }
  }

  /** Stops taking model changes, closes the HTTP API, gives open ADS streams {@code grace}. */
  public void drain(Duration grace) throws InterruptedException {
    source.stop();
    historySampler.shutdownNow();
    api.close();
    xds.shutdown(grace);
    publisher.close();
  }

  @Override
  public void close() {
    source.stop();
    historySampler.shutdownNow();
    api.close();
    xds.close();
    publisher.close();
  }

  /** What this control plane is: mode, source, stats window, CRDs found (in-cluster). */
  public Info info() {
    return new Info(mode, sourceDescription, stats.window().toMillis() / 1000.0, crds.get());
  }

  /** Every policy's Accepted and Programmed conditions now (the operator writes them to status). */
  public List<PolicyState> policyStatuses() {
    return PolicyStatuses.compute(mesh.model(), source.problems(), XdsSync.of(tracker, publisher));
  }

  /** A stats service's pods: endpoints of the Service in the model, and those with a connected sidecar. */
  private StatsJson.@Nullable Pods pods(String service) {
    StatsJson.ServiceName name = StatsJson.ServiceName.parse(service);
    if (name == null) {
      return null;
    }
    MeshModel model = mesh.model();
    ServiceKey key;
    try {
      key = ServiceKey.of(name.namespace(), name.name());
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (model.service(key).isEmpty()) {
      return null;
    }
    Set<String> connected = new HashSet<>();
    for (AckTracker.SidecarStatus s : tracker.status()) {
      connected.add(s.nodeId());
    }
    Set<String> pods = new HashSet<>();
    Set<String> meshed = new HashSet<>();
    for (Endpoint e : model.endpointsOf(key).endpoints()) {
      String pod = e.podName() != null ? e.podName() : e.address() + ":" + e.ports();
      pods.add(pod);
      if (e.podName() != null && connected.contains(e.podName() + "." + key.namespace())) {
        meshed.add(pod);
      }
    }
    return new StatsJson.Pods(meshed.size(), pods.size());
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
   * @param translated the ids of the policies the xDS resources of {@code model} carry
   */
  public record Sync(MeshModel model, int sidecars, int current, Map<String, AckTracker.Nack> rejected,
      Set<String> translated) {
    public Sync {
      rejected = Map.copyOf(rejected);
      translated = Set.copyOf(translated);
    }

    /** With {@code translated} worked out from {@code model}. */
    public Sync(MeshModel model, int sidecars, int current, Map<String, AckTracker.Nack> rejected) {
      this(model, sidecars, current, rejected, PolicyIndex.of(model).policyIds());
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

  public StatsHistory statsHistory() {
    return history;
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
    private PlacementFilters placementFilters = PlacementFilters.fromPolicies();
    private String address = "0.0.0.0";
    private int xdsPort = WellKnown.CONTROL_PLANE_ADS_PORT;
    private int httpPort = WellKnown.CONTROL_PLANE_HTTP_PORT;
    private Duration statsWindow = Duration.ofSeconds(30);
    private String mode = "local";
    private String sourceDescription = "";
    private Supplier<@Nullable Crds> crds = () -> null;

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

    /** What {@code GET /api/v1/info} says: {@code local} (the default) or {@code kubernetes}, and the source. */
    public Builder mode(String mode, String sourceDescription) {
      this.mode = requireNonNull(mode, "mode");
      this.sourceDescription = requireNonNull(sourceDescription, "sourceDescription");
      return this;
    }

    /** Looks up the CRDs on the API server, for {@code GET /api/v1/info} (in-cluster only). */
    public Builder crds(Supplier<@Nullable Crds> crds) {
      this.crds = requireNonNull(crds, "crds");
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
