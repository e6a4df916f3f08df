package dev.corral.sidecar;

import static java.util.Objects.requireNonNull;

import dev.corral.sidecar.bootstrap.BootstrapLoader;
import dev.corral.sidecar.bootstrap.ConfigException;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code corral sidecar}: runs the proxy from an Envoy bootstrap until SIGTERM or SIGINT, then
 * drains. Exit codes: 0 after a drain, 2 for a bootstrap it refuses, 1 for anything else.
 */
@Command(name = "corral sidecar", mixinStandardHelpOptions = true, version = "corral sidecar 0.1.0",
    description = "Runs the Corral sidecar proxy from an Envoy v3 bootstrap (YAML or JSON).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:drained and stopped after SIGTERM/SIGINT",
        "1:failed to start (e.g. a port in use)",
        "2:the bootstrap was refused; the message names the field"})
public final class SidecarMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(SidecarMain.class);

  @ArgGroup(exclusive = true, multiplicity = "1")
  BootstrapSource bootstrap;

  /** Where the bootstrap comes from: a file, or the text itself (what the injector hands an injected pod). */
  static final class BootstrapSource {
    @Option(names = "--bootstrap", required = true, paramLabel = "FILE",
        description = "Envoy v3 Bootstrap, YAML or JSON. Supported fields: docs/bootstrap.md.")
    @Nullable Path file;

    @Option(names = "--bootstrap-yaml", required = true, paramLabel = "YAML",
        description = "The bootstrap itself, YAML or JSON (like Envoy's --config-yaml, but instead of a file).")
    @Nullable String yaml;

    Bootstrap load() {
      return file != null ? BootstrapLoader.load(file) : BootstrapLoader.parse(requireNonNull(yaml), "--bootstrap-yaml");
    }

    @Override
    public String toString() {
      return file != null ? file.toString() : "--bootstrap-yaml";
    }
  }

  @Option(names = "--concurrency", paramLabel = "N",
      description = "Event-loop threads (default: the number of cores).")
  int concurrency = Runtime.getRuntime().availableProcessors();

  @Option(names = "--health-port", paramLabel = "PORT",
      description = "Also serve /ready and /stats/prometheus (only those) on this port of every address,"
          + " for kubelet probes and Prometheus (the injector sets 15020; default: off).")
  @Nullable Integer healthPort;

  @Option(names = "--drain-time-s", paramLabel = "SECONDS", defaultValue = "20",
      description = "On SIGTERM, how long in-flight requests may take to finish (default: ${DEFAULT-VALUE}).")
  int drainSeconds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SidecarMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Sidecar sidecar;
    try {
      sidecar = new Sidecar(bootstrap.load(), concurrency);
    } catch (ConfigException e) {
      System.err.println("corral sidecar: " + bootstrap + ": " + e.getMessage());
      return 2;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), signal -> stop.countDown());
    Signal.handle(new Signal("INT"), signal -> stop.countDown());
    try {
      sidecar.start();
      if (healthPort != null) {
        sidecar.startProbes(new InetSocketAddress(healthPort));
      }
    } catch (Exception e) {
      System.err.println("corral sidecar: cannot start: " + e);
      sidecar.close();
      return 1;
    }
    log.info("ready");
    stop.await();
    log.info("draining for up to {}s", drainSeconds);
    boolean clean = sidecar.drain(Duration.ofSeconds(drainSeconds));
    log.info(clean ? "drained" : "drain time over; closing the remaining connections");
    sidecar.close();
    return 0;
  }
}
