package dev.corral.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real control plane as a separate process ({@code corral control-plane --local DIR}): the
 * shaded jar with the JVM flags of {@code control-plane/jvm.options}, on loopback ports.
 */
public final class ControlPlaneProcess implements AutoCloseable {
  private static final Path JAR = Path.of(System.getProperty("corral.control-plane.jar",
      "../control-plane/target/corral-control-plane.jar"));
  private static final Path JVM_OPTIONS = Path.of(System.getProperty("corral.control-plane.jvm.options",
      "../control-plane/jvm.options"));
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final Process process;
  private final Path log;
  private final int xdsPort;
  private final int httpPort;

  private ControlPlaneProcess(Process process, Path log, int xdsPort, int httpPort) {
    this.process = process;
    this.log = log;
    this.xdsPort = xdsPort;
    this.httpPort = httpPort;
  }

  /** Starts it on {@code folder} and waits until its HTTP API answers /healthz. */
  public static ControlPlaneProcess start(Path folder, int xdsPort, int httpPort, String... extraArgs) {
    return start(folder, "127.0.0.1", xdsPort, httpPort, List.of(), extraArgs);
  }

  /** Listening on {@code address} (e.g. 0.0.0.0, for sidecars in other network namespaces). */
  public static ControlPlaneProcess start(Path folder, String address, int xdsPort, int httpPort,
      String... extraArgs) {
    return start(folder, address, xdsPort, httpPort, List.of(), extraArgs);
  }

  /** As {@link #start(Path, int, int, String...)}, with {@code jvmFlags} (e.g. -D...) after jvm.options. */
  public static ControlPlaneProcess start(Path folder, int xdsPort, int httpPort, List<String> jvmFlags,
      String... extraArgs) {
    return start(folder, "127.0.0.1", xdsPort, httpPort, jvmFlags, extraArgs);
  }

  private static ControlPlaneProcess start(Path folder, String address, int xdsPort, int httpPort,
      List<String> jvmFlags,
      String... extraArgs) {
    try {
      Path log = Files.createTempFile("corral-control-plane", ".log");
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "@" + JVM_OPTIONS.toAbsolutePath()));
      command.addAll(jvmFlags);
      command.addAll(List.of(
          "-jar", JAR.toAbsolutePath().toString(),
          "--local", folder.toString(),
          "--address", address,
          "--xds-port", Integer.toString(xdsPort),
          "--http-port", Integer.toString(httpPort)));
      command.addAll(List.of(extraArgs));
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      ControlPlaneProcess cp = new ControlPlaneProcess(process, log, xdsPort, httpPort);
      cp.awaitHealthy(Duration.ofSeconds(30));
      return cp;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("control plane exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        if (get("/healthz").statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    close();
    throw new IllegalStateException("control plane not healthy after " + timeout + ":\n" + log());
  }

  public int xdsPort() {
    return xdsPort;
  }

  public int httpPort() {
    return httpPort;
  }

  /** GET on the HTTP API. */
  public HttpResponse<String> get(String path) throws IOException {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** The body of a GET that must answer 200. */
  public String body(String path) throws IOException {
    HttpResponse<String> r = get(path);
    if (r.statusCode() != 200) {
      throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  /** SIGKILL: the control plane vanishes without a goodbye. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM (a drain); returns the exit code. */
  public int terminate(Duration timeout) {
    return Processes.terminate(process, timeout, "control plane", log);
  }

  public String log() {
    return Processes.read(log);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
