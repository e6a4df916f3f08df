package dev.corral.bench.ads;

import dev.corral.controlplane.xds.XdsType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The control plane in its own JVM ({@link ControlPlaneProcess}), started from this benchmark's
 * class path with {@code jvmFlags} (the production {@code @control-plane/jvm.options} first) and
 * driven over its stdin/stdout. Its stderr (logs, -Xlog) goes to this process's stderr.
 */
final class ChildPlane implements Plane {
  private final Process process;
  private final BufferedReader out;
  private final PrintStream in;
  private final int xdsPort;

  private ChildPlane(Process process) throws IOException {
    this.process = process;
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    String ready = readLine();
    if (ready == null || !ready.startsWith("ready ")) {
      process.destroyForcibly();
      throw new IllegalStateException("control plane process did not start (first line: " + ready + ")");
    }
    this.xdsPort = Integer.parseInt(ready.split(" ")[1]);
  }

  static ChildPlane start(SyntheticMesh mesh, List<String> jvmFlags) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), ControlPlaneProcess.class.getName(),
        "--services", "" + mesh.services(), "--endpoints", "" + mesh.endpoints(),
        "--namespaces", "" + mesh.namespaces()));
    try {
      Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      return new ChildPlane(p);
    } catch (IOException e) {
      throw new UncheckedIOException("starting " + command, e);
    }
  }

  long pid() {
    return process.pid();
  }

  /** The control plane process's CPU time so far (every thread: GC and JIT included). */
  long cpuNanos() {
    return ProcCpu.nanos(process.pid());
  }

  @Override
  public int xdsPort() {
    return xdsPort;
  }

  @Override
  public Map<String, Map<XdsType, String>> versions() {
    return versions(ask("versions"));
  }

  @Override
  public Pushed push(int revision) {
    List<String> lines = ask("push " + revision);
    String[] p = lines.get(0).split(" ");
    if (!p[0].equals("pushed")) {
      throw new IllegalStateException("unexpected answer to push: " + lines.get(0));
    }
    return new Pushed(Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3]),
        versions(lines.subList(1, lines.size())));
  }

  @Override
  public long heapAfterGc() {
    return Long.parseLong(ask("heap").get(0).split(" ")[1]);
  }

  @Override
  public Check check() {
    String[] c = ask("check").get(0).split(" ");
    return new Check(Integer.parseInt(c[1]), Long.parseLong(c[2]));
  }

  @Override
  public long jitMillis() {
    return Long.parseLong(ask("jit").get(0).split(" ")[1]);
  }

  @Override
  public Map<String, Gc> gc() {
    Map<String, Gc> out = new HashMap<>();
    for (String line : ask("gc")) {
      String[] g = line.split(" ", 4);
      out.put(g[3], new Gc(Long.parseLong(g[1]), Long.parseLong(g[2])));
    }
    return out;
  }

  @Override
  public void close() {
    in.println("quit");
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static Map<String, Map<XdsType, String>> versions(List<String> lines) {
    Map<String, Map<XdsType, String>> out = new TreeMap<>();
    for (String line : lines) {
      String[] w = line.split(" ");
      out.put(w[1], ControlPlaneProcess.parseVersions(w, 2));
    }
    return out;
  }

  /** The next protocol line without its prefix; other lines (the JVM's, an agent's) go to stderr. */
  private @Nullable String readLine() throws IOException {
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith(ControlPlaneProcess.PREFIX)) {
        return line.substring(ControlPlaneProcess.PREFIX.length());
      }
      System.err.println("control plane process: " + line);
    }
    return null;
  }

  /** Sends one command and returns the lines of its answer (without the closing {@code end}). */
  private synchronized List<String> ask(String command) {
    in.println(command);
    List<String> lines = new ArrayList<>();
    try {
      for (String line = readLine(); ; line = readLine()) {
        if (line == null) {
          throw new IllegalStateException("control plane process ended during '" + command + "'");
        }
        if (line.equals("end")) {
          return lines;
        }
        if (line.startsWith("error ")) {
          throw new IllegalStateException("control plane process: " + command + ": " + line.substring(6));
        }
        lines.add(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
