package dev.corral.controlplane;

import dev.corral.controlplane.http.ApiServer;
import dev.corral.controlplane.local.LocalModelSource;
import dev.corral.controlplane.model.SourceProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
import picocli.CommandLine.Mixin;
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
  public static final String PROBLEMS = ApiServer.PROBLEMS;

  @Option(names = "--local", required = true, paramLabel = "DIR",
      description = "Folder of manifests: Service, EndpointSlice, BalancePolicy, CachePolicy, CollapsePolicy.")
  Path local;

  @Mixin
  ServerOptions server = new ServerOptions();

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
    LocalModelSource source = LocalModelSource.create(local);
    ControlPlane controlPlane = server.applyTo(ControlPlane.builder(source))
        .statsWindow(Duration.ofSeconds(statsWindowSeconds))
        .mode("local", local.toAbsolutePath().toString())
        .build()
        .start();
    log.info("corral control-plane: local {}", local.toAbsolutePath());

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
    controlPlane.drain(server.drainTime());
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
