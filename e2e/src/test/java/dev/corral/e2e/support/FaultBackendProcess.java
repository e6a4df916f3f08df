package dev.corral.e2e.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link FaultBackendMain} backend in its own JVM, so that {@link #kill} is a real
 * {@code kill -9}: the kernel closes its listening socket and every connection at once, with no
 * goodbye from the application.
 */
public final class FaultBackendProcess implements AutoCloseable {
  private final Process process;
  private final int port;

  private FaultBackendProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts a backend answering {@code backend <name>} on {@code port} (0: any) and waits until it listens. */
  public static FaultBackendProcess start(String name, int port) {
    Path classes;
    try {
      classes = Path.of(FaultBackendMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dsun.net.httpserver.nodelay=true",
        "-cp", classes.toString(), FaultBackendMain.class.getName(), name, Integer.toString(port));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Integer> ready = CompletableFuture.supplyAsync(() -> {
      StringBuilder seen = new StringBuilder();
      try {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("READY ")) {
            return Integer.parseInt(line.substring(6).trim());
          }
          seen.append(line).append('\n');
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      throw new IllegalStateException("backend " + name + " exited before listening:\n" + seen);
    });
    try {
      return new FaultBackendProcess(process, ready.get(20, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new IllegalStateException("backend " + name + " did not start", e);
    }
  }

  public int port() {
    return port;
  }

  /** SIGKILL, then waits until the process is gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("backend on port " + port + " survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
