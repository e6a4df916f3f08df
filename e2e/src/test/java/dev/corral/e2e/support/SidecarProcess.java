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
 * The real sidecar as a separate process: the shaded jar run with the JVM flags of
 * {@code sidecar/jvm.options} (the launcher's and the image's), stopped with SIGTERM.
 */
public final class SidecarProcess implements AutoCloseable {
  private static final Path JAR = Path.of(System.getProperty("corral.sidecar.jar",
      "../sidecar/target/corral-sidecar.jar"));
  private static final Path JVM_OPTIONS = Path.of(System.getProperty("corral.sidecar.jvm.options",
      "../sidecar/jvm.options"));

  private final Process process;
  private final Path log;
  private final String adminHost;
  private final int adminPort;
  private final int listenerPort;

  private SidecarProcess(Process process, Path log, String adminHost, int adminPort, int listenerPort) {
    this.process = process;
    this.log = log;
    this.adminHost = adminHost;
    this.adminPort = adminPort;
    this.listenerPort = listenerPort;
  }

  /**
   * Starts the sidecar through {@code wrapper} (e.g. {@code ip netns exec NS setpriv --reuid 1337
   * …}) and waits until its admin at {@code adminHost:adminPort} answers /ready. The bootstrap is
   * readable by any user, for a wrapper that drops privileges.
   */
  public static SidecarProcess startWrapped(List<String> wrapper, String yaml, String adminHost, int adminPort,
      int listenerPort, String... extraArgs) {
    SidecarProcess sidecar = launch(wrapper, yaml, adminHost, adminPort, listenerPort, extraArgs);
    sidecar.awaitReady(Duration.ofSeconds(60));
    return sidecar;
  }

  /** Starts the sidecar with {@code bootstrap} and waits until its admin /ready answers 200. */
  public static SidecarProcess start(BootstrapBuilder bootstrap, String... extraArgs) {
    SidecarProcess sidecar = launch(bootstrap.yaml(), bootstrap.adminPort(), bootstrap.listenerPort(), extraArgs);
    sidecar.awaitReady(Duration.ofSeconds(30));
    return sidecar;
  }

  /** Starts the sidecar without waiting, e.g. to watch it refuse a bootstrap. */
  public static SidecarProcess launch(String yaml, int adminPort, int listenerPort, String... extraArgs) {
    return launch(List.of(), yaml, "127.0.0.1", adminPort, listenerPort, extraArgs);
  }

  private static SidecarProcess launch(List<String> wrapper, String yaml, String adminHost, int adminPort,
      int listenerPort, String... extraArgs) {
    try {
      Path dir = Files.createTempDirectory("corral-e2e");
      Path file = Files.writeString(dir.resolve("bootstrap.yaml"), yaml);
      if (!wrapper.isEmpty()) {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      }
      Path log = dir.resolve("sidecar.log");
      List<String> command = new ArrayList<>(wrapper);
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("@" + JVM_OPTIONS.toAbsolutePath());
      command.add("-Dio.netty.leakDetection.level=simple"); // and close() fails on a reported leak
      command.add("-jar");
      command.add(JAR.toAbsolutePath().toString());
      command.add("--bootstrap");
      command.add(file.toString());
      command.addAll(List.of(extraArgs));
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      return new SidecarProcess(process, log, adminHost, adminPort, listenerPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady(Duration timeout) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("sidecar exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        HttpResponse<String> response = client.send(
            HttpRequest.newBuilder(URI.create("http://" + adminHost + ":" + adminPort + "/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(50);
    }
    throw new IllegalStateException("sidecar not ready after " + timeout + ":\n" + log());
  }

  public int listenerPort() {
    return listenerPort;
  }

  public int adminPort() {
    return adminPort;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + listenerPort + path);
  }

  public URI adminUri(String path) {
    return URI.create("http://" + adminHost + ":" + adminPort + path);
  }

  public long pid() {
    return process.pid();
  }

  public Process process() {
    return process;
  }

  /** Resident set size now, from /proc (Linux). */
  public long rssBytes() {
    return procStatusKb("VmRSS:") * 1024;
  }

  /** Peak resident set size, from /proc (Linux). */
  public long peakRssBytes() {
    return procStatusKb("VmHWM:") * 1024;
  }

  private long procStatusKb(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException(field + " not in /proc status");
  }

  /** Sends SIGTERM (a drain) and waits for the exit code. */
  public int terminate(Duration timeout) {
    return Processes.terminate(process, timeout, "sidecar", log);
  }

  /** Waits for the process to end by itself and returns its exit code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("sidecar still running after " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return process.exitValue();
  }

  /** Everything the process printed so far. */
  public String log() {
    return Processes.read(log);
  }

  @Override
  public void close() {
    if (log().contains("LEAK:")) {
      process.destroyForcibly();
      throw new AssertionError("the sidecar leaked a buffer:\n" + log());
    }
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
