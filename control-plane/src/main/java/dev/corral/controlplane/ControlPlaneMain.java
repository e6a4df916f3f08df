package dev.corral.controlplane;

import dev.corral.api.WellKnown;
import dev.corral.controlplane.http.ApiResponse;
import dev.corral.controlplane.http.ApiRoutes;
import dev.corral.controlplane.http.ApiServer;
import dev.corral.controlplane.local.LocalModelSource;
import dev.corral.controlplane.model.SourceProblem;
import dev.corral.controlplane.stats.StatsAggregator;
import dev.corral.controlplane.stats.StatsJson;
import dev.corral.controlplane.stats.StatsMetrics;
import dev.corral.controlplane.stats.StatsServiceImpl;
import dev.corral.controlplane.translate.PlacementFilters;
import dev.corral.controlplane.xds.AckTracker;
import dev.corral.controlplane.xds.SnapshotPublisher;
import dev.corral.controlplane.xds.XdsMetrics;
import dev.corral.controlplane.xds.XdsServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code corral control-plane --local DIR}: the control plane in local mode. A folder of manifests
 * (watched) → {@link MeshPublisher} (translation per node group) → the ADS server on
 * {@code --xds-port}, which also serves the stats service; the HTTP API on {@code --http-port}.
 * SIGTERM drains: the model stops changing, the API closes, open ADS streams get a grace period.
 */
@Command(name = "corral control-plane", mixinStandardHelpOptions = true,
    description = "Serves Envoy xDS to Corral sidecars from a folder of Kubernetes manifests (local mode).")
public final class ControlPlaneMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ControlPlaneMain.class);
  public static final String PROBLEMS = "/api/v1/problems";

  @Option(names = "--local", required = true, paramLabel = "DIR",
      description = "Folder of manifests: Service, EndpointSlice, BalancePolicy, CachePolicy, CollapsePolicy.")
  Path local;

  @Option(names = "--xds-port", defaultValue = "" + WellKnown.CONTROL_PLANE_ADS_PORT,
      description = "ADS and stats gRPC port (default: ${DEFAULT-VALUE}).")
  int xdsPort;

  @Option(names = "--http-port", defaultValue = "" + WellKnown.CONTROL_PLANE_HTTP_PORT,
      description = "HTTP API port: /api/v1/stats, /api/v1/xds, /api/v1/problems, /metrics (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--address", defaultValue = "0.0.0.0",
      description = "Address both servers bind (default: ${DEFAULT-VALUE}).")
  String address;

  @Option(names = "--drain-time-s", defaultValue = "5",
      description = "On SIGTERM, how long open ADS streams get before they are cut (default: ${DEFAULT-VALUE}).")
  int drainSeconds;

  @Option(names = "--stats-window-s", defaultValue = "30",
      description = "Sliding window of the per-service stats (default: ${DEFAULT-VALUE}).")
  int statsWindowSeconds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ControlPlaneMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(local)) {
      System.err.println("corral control-plane: --local " + local + ": not a directory");
      return 2;
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    XdsMetrics xdsMetrics = new XdsMetrics(registry);
    Duration window = Duration.ofSeconds(Math.max(1, statsWindowSeconds));
    Duration bucket = window.compareTo(StatsAggregator.DEFAULT_BUCKET.multipliedBy(2)) >= 0
        ? StatsAggregator.DEFAULT_BUCKET : Duration.ofMillis(Math.max(100, window.toMillis() / 5));
    StatsAggregator stats = StatsAggregator.create(window, bucket, System::currentTimeMillis);
    StatsMetrics.register(registry, stats);

    MeshPublisher mesh = new MeshPublisher(PlacementFilters.none());
    SnapshotPublisher publisher = SnapshotPublisher.builder().nodeGroup(mesh).metrics(xdsMetrics).build();
    mesh.attach(publisher);
    AckTracker tracker = new AckTracker();
    LocalModelSource source = LocalModelSource.create(local);

    XdsServer xds = XdsServer.builder(publisher).host(address).port(xdsPort).tracker(tracker)
        .policies(mesh.policies())
        .addService(new StatsServiceImpl(stats))
        .build();
    ApiServer api = ApiServer.builder().host(address).port(httpPort)
        .get(ApiServer.STATS, request -> new ApiResponse(200, ApiResponse.JSON,
            StatsJson.toJson(stats.view()).getBytes(StandardCharsets.UTF_8)))
        .get(ApiServer.XDS, ApiRoutes.xdsStatus(tracker))
        .get(ApiServer.METRICS, ApiRoutes.prometheus(registry))
        .get(PROBLEMS, ApiRoutes.json(() -> Map.of("problems", source.problems())))
        .build();

    // The model first, so the first sidecar to connect is answered from the folder's contents.
    source.start(mesh::onModel);
    xds.start();
    api.start();
    log.info("corral control-plane: local {} · ADS and stats on {}:{} · HTTP on {}:{}",
        local.toAbsolutePath(), address, xds.port(), address, api.port());

    ScheduledExecutorService problems = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "corral-problems");
      t.setDaemon(true);
      return t;
    });
    problems.scheduleWithFixedDelay(new ProblemLog(source), 0, 250, TimeUnit.MILLISECONDS);

    // SIGTERM/SIGINT start a drain and the process exits 0 after it, like the sidecar (a shutdown
    // hook alone would end with 143).
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), signal -> stop.countDown());
    Signal.handle(new Signal("INT"), signal -> stop.countDown());
    stop.await();
    log.info("corral control-plane: draining");
    problems.shutdownNow();
    source.stop();
    api.close();
    xds.shutdown(Duration.ofSeconds(Math.max(0, drainSeconds)));
    publisher.close();
    log.info("corral control-plane: stopped");
    return 0;
  }

  /** Logs each problem of the source once, when it appears (file:line: object: field: message). */
  private static final class ProblemLog implements Runnable {
    private final LocalModelSource source;
    private List<SourceProblem> logged = List.of();

    ProblemLog(LocalModelSource source) {
      this.source = source;
    }

    @Override
    public void run() {
      List<SourceProblem> now = source.problems();
      if (now.equals(logged)) {
        return;
      }
      for (SourceProblem p : now) {
        if (!logged.contains(p)) {
          log.warn("problem: {}", p);
        }
      }
      if (now.isEmpty() && !logged.isEmpty()) {
        log.info("no problems left in {}", source.folder());
      }
      logged = now;
    }
  }
}
